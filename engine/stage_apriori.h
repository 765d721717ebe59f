/* engine/stage_apriori.h — the [apriori] stage: frequent itemsets by count
 * distribution (every rank counts its own baskets, one integer allreduce
 * per level), association rules, and the next-best offers of every
 * customer. Writes itemsets.csv and rules.csv, adds the rules to model.h5,
 * adds scores columns recs and recs_score (stores with customers), fills
 * stages.apriori in run.json. Counts are integers: every output is the same
 * at any rank and thread count. Collective. */
#ifndef CRM_STAGE_APRIORI_H
#define CRM_STAGE_APRIORI_H

#include "engine/run.h"

crm_status crm_stage_apriori(crm_run *run, cJSON *stage_json,
                             crm_error *err);

#endif
