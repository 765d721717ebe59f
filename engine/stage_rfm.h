/* engine/stage_rfm.h — the [rfm] stage: recency, frequency, monetary, their
 * 1..bins scores from global quantiles, and the RFM segment of every
 * customer. Reads /transactions (time, and amount and order_id when
 * present); adds scores columns recency, frequency, monetary, r_score,
 * f_score, m_score, rfm_segment; fills stage_json. Collective. */
#ifndef CRM_STAGE_RFM_H
#define CRM_STAGE_RFM_H

#include "engine/run.h"

crm_status crm_stage_rfm(crm_run *run, cJSON *stage_json, crm_error *err);

#endif
