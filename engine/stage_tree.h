/* engine/stage_tree.h — the [tree] stage: a churn model.
 *
 * Trains a CART tree (or a random forest, trees = N) on a label column or a
 * label derived from the transactions (churn_days), over the job's
 * features, on a train part chosen by a hash of each customer id; or
 * scores with a saved model (`model = path`). Evaluates on the held-out
 * part (stages.tree.test in run.json, tree_eval.csv), writes the rules
 * (tree_rules.txt) and the model (model.h5), and adds scores churn_prob,
 * churn_rule (one tree), split (when trained) and churn_priority (when a
 * value column is known). Collective; identical outputs at any rank and
 * thread count. */
#ifndef CRM_STAGE_TREE_H
#define CRM_STAGE_TREE_H

#include "engine/run.h"

crm_status crm_stage_tree(crm_run *run, cJSON *stage_json, crm_error *err);

#endif
