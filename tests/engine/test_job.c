#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/job.h"

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/crm_job_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(job, .init = make_dir, .fini = remove_dir);

static const char *write_job(const char *text)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/nightly.ini", dir);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fputs(text, fp);
    fclose(fp);
    return path;
}

/* Loads text expecting failure; returns the message. */
static const char *load_error(const char *text)
{
    static crm_error err;
    crm_error_clear(&err);
    crm_job *job = NULL;
    cr_assert_neq(crm_job_load(write_job(text), &job, &err), CRM_OK);
    cr_assert_null(job);
    return err.msg;
}

Test(job, smallest_job_from_the_issue_loads_with_defaults)
{
    crm_job *job = NULL;
    crm_error err = {{0}};
    const char *path = write_job("[job]\nname = nightly\nseed = 42\n"
                                 "[input]\nstore = retail.h5\n"
                                 "[rfm]\nas_of = 2011-12-10\n"
                                 "[output]\ndir = out\ncsv = yes\n");
    cr_assert_eq(crm_job_load(path, &job, &err), CRM_OK, "%s", err.msg);
    cr_assert_str_eq(job->name, "nightly");
    cr_assert_eq(job->seed, 42);
    char expect[160];
    snprintf(expect, sizeof expect, "%s/retail.h5", dir);
    cr_assert_str_eq(job->store, expect, "relative to the job file");
    snprintf(expect, sizeof expect, "%s/out", dir);
    cr_assert_str_eq(job->out_dir, expect);
    cr_assert_eq(job->csv, 1);
    cr_assert_eq(job->nstages, 1);
    cr_assert_eq(job->stages[0], CRM_STAGE_RFM);
    cr_assert_eq(job->rfm.has_as_of, 1);
    /* 2011-12-10 is day 15318 since 1970-01-01 */
    cr_assert_eq(job->rfm.as_of_day, 15318);
    cr_assert_eq(job->rfm.bins, 5);
    cr_assert_eq(job->rfm.monetary_mean, 0);
    crm_job_free(job);
}

Test(job, empty_stage_section_enables_the_stage_with_defaults)
{
    crm_job *job = NULL;
    crm_error err = {{0}};
    const char *path = write_job("[input]\nstore = /abs/s.h5\n[rfm]\n");
    cr_assert_eq(crm_job_load(path, &job, &err), CRM_OK, "%s", err.msg);
    cr_assert_eq(job->nstages, 1);
    cr_assert_eq(job->rfm.has_as_of, 0);
    cr_assert_str_eq(job->store, "/abs/s.h5");
    cr_assert_str_eq(job->name, "nightly", "name defaults to the file name");
    crm_job_free(job);
}

Test(job, unknown_key_names_file_line_section_and_key)
{
    const char *msg = load_error("[input]\nstore = s.h5\n[rfm]\nbinz = 4\n");
    cr_assert(strstr(msg, "nightly.ini:4:") != NULL, "%s", msg);
    cr_assert(strstr(msg, "[rfm] binz") != NULL, "%s", msg);
    cr_assert(strstr(msg, "unknown key") != NULL, "%s", msg);
}

Test(job, unknown_section_names_its_line)
{
    const char *msg = load_error("[input]\nstore = s.h5\n\n[rmf]\n");
    cr_assert(strstr(msg, "nightly.ini:4:") != NULL, "%s", msg);
    cr_assert(strstr(msg, "[rmf]") != NULL, "%s", msg);
}

Test(job, wrong_values_are_rejected_with_what_was_expected)
{
    cr_assert(strstr(load_error("[input]\nstore=s\n[rfm]\nbins = 1\n"),
                     ":4: [rfm] bins: expected an integer from 2 to 20") !=
              NULL);
    cr_assert(strstr(load_error("[input]\nstore=s\n[rfm]\nas_of = 2011-13-01"
                                "\n"),
                     "[rfm] as_of: expected a date") != NULL);
    cr_assert(strstr(load_error("[input]\nstore=s\n[rfm]\nmonetary = max\n"),
                     "expected sum or mean") != NULL);
    cr_assert(strstr(load_error("[job]\nseed = -3\n[input]\nstore=s\n[rfm]\n"),
                     ":2: [job] seed") != NULL);
    cr_assert(strstr(load_error("[input]\nstore=s\n[rfm]\n[output]\ncsv = "
                                "maybe\n"),
                     ":5: [output] csv: expected yes or no") != NULL);
}

Test(job, repeated_section_and_missing_pieces_are_errors)
{
    cr_assert(strstr(load_error("[input]\nstore=s\n[rfm]\n[rfm]\n"),
                     ":4: section [rfm] appears twice") != NULL);
    cr_assert(strstr(load_error("[rfm]\n"), "[input] store: missing") !=
              NULL);
    cr_assert(strstr(load_error("[input]\nstore=s\n"), "no stage") != NULL);
    cr_assert(strstr(load_error("[input]\nstore=s\nthis is not ini\n[rfm]\n"),
                     ":3: expected \"key = value\"") != NULL);
    cr_assert(strstr(load_error("store = s\n[rfm]\n"),
                     ":1: [] store: key outside any section") != NULL);
}

Test(job, missing_file_is_not_found)
{
    crm_job *job = NULL;
    crm_error err = {{0}};
    cr_assert_eq(crm_job_load("/nonexistent/job.ini", &job, &err),
                 CRM_ENOTFOUND);
    cr_assert(strstr(err.msg, "/nonexistent/job.ini") != NULL);
}

Test(job, a_key_given_twice_names_both_lines)
{
    const char *msg = load_error("[input]\nstore = a.h5\nstore = b.h5\n"
                                 "[rfm]\n");
    cr_assert(strstr(msg, "nightly.ini:3: [input] store: given twice (first "
                          "on line 2)") != NULL, "%s", msg);
}

Test(job, indented_continuation_lines_are_refused)
{
    const char *msg = load_error("[input]\nstore = s.h5\n  more.h5\n[rfm]\n");
    cr_assert(strstr(msg, "nightly.ini:3: expected no indentation") != NULL,
              "%s", msg);
    /* indented comments and blank lines stay fine */
    crm_job *job = NULL;
    crm_error err = {{0}};
    cr_assert_eq(crm_job_load(write_job("[input]\n  ; note\n \nstore = s\n"
                                        "[rfm]\n"), &job, &err), CRM_OK,
                 "%s", err.msg);
    crm_job_free(job);
}

Test(job, a_folder_is_not_a_job_file)
{
    crm_job *job = NULL;
    crm_error err = {{0}};
    cr_assert_neq(crm_job_load(dir, &job, &err), CRM_OK);
    cr_assert(strstr(err.msg, dir) != NULL, "%s", err.msg);
}

Test(job, kmeans_section_parses_lists_and_auto_k)
{
    crm_job *job = NULL;
    crm_error err = {{0}};
    const char *path = write_job("[input]\nstore = s.h5\n[rfm]\n[kmeans]\n"
                                 "features = recency, frequency ,monetary\n"
                                 "log1p = monetary\nk = auto\nk_max = 6\n"
                                 "n_init = 2\ntol = 1e-6\nlocal_trials = 5"
                                 "\n");
    cr_assert_eq(crm_job_load(path, &job, &err), CRM_OK, "%s", err.msg);
    cr_assert_eq(job->kmeans.local_trials, 5);
    cr_assert_eq(job->nstages, 2);
    cr_assert_eq(job->stages[1], CRM_STAGE_KMEANS);
    cr_assert_eq(job->kmeans.features.n, 3);
    cr_assert_str_eq(job->kmeans.features.items[1], "frequency");
    cr_assert_str_eq(job->kmeans.features.items[2], "monetary");
    cr_assert_eq(job->kmeans.k, 0);
    cr_assert_eq(job->kmeans.k_min, 2);
    cr_assert_eq(job->kmeans.k_max, 6);
    cr_assert_eq(job->kmeans.n_init, 2);
    cr_assert_eq(job->kmeans.tol, 1e-6);
    crm_job_free(job);
}

Test(job, kmeans_bad_values_are_errors)
{
    cr_assert(strstr(load_error("[input]\nstore=s\n[kmeans]\nfeatures = a,,b"
                                "\n"),
                     ":4: [kmeans] features: expected a comma-separated") !=
              NULL);
    cr_assert(strstr(load_error("[input]\nstore=s\n[kmeans]\nfeatures = a\n"
                                "k = 0\n"),
                     ":5: [kmeans] k: expected an integer from 1") != NULL);
    cr_assert(strstr(load_error("[input]\nstore=s\n[kmeans]\nk = 3\n"),
                     "[kmeans] features: missing") != NULL);
    cr_assert(strstr(load_error("[input]\nstore=s\n[kmeans]\nfeatures = a\n"
                                "k_min = 5\nk_max = 3\n"),
                     "k_min (5) is larger than k_max (3)") != NULL);
    cr_assert(strstr(load_error("[input]\nstore=s\n[kmeans]\nfeatures = a\n"
                                "local_trials = 17\n"),
                     ":5: [kmeans] local_trials: expected an integer from 1 "
                     "to 16 or auto, got \"17\"") != NULL);
}

Test(job, tree_section_parses_every_key)
{
    crm_job *job = NULL;
    crm_error err = {{0}};
    const char *path = write_job(
        "[input]\nstore = s.h5\n[tree]\nlabel = Churn\npositive = Left\n"
        "features = tenure, Contract\ncriterion = entropy\nmax_depth = 8\n"
        "min_samples_leaf = 5\nmin_category_rows = 0\nmin_gain = 0.001\n"
        "class_weight = balanced\nmax_bins = 64\ntest_fraction = 0.3\n"
        "threshold = 0.25\nvalue = clv\ntrees = 50\nmax_features = 3\n");
    cr_assert_eq(crm_job_load(path, &job, &err), CRM_OK, "%s", err.msg);
    const crm_job_tree *t = &job->tree;
    cr_assert_eq(job->nstages, 1);
    cr_assert_eq(job->stages[0], CRM_STAGE_TREE);
    cr_assert_str_eq(t->label, "Churn");
    cr_assert_str_eq(t->positive, "Left");
    cr_assert_eq(t->features.n, 2);
    cr_assert_str_eq(t->features.items[1], "Contract");
    cr_assert_eq(t->entropy, 1);
    cr_assert_eq(t->max_depth, 8);
    cr_assert_eq(t->min_samples_leaf, 5);
    cr_assert_eq(t->min_category_rows, 0);
    cr_assert_float_eq(t->min_gain, 0.001, 1e-15);
    cr_assert_eq(t->balanced, 1);
    cr_assert_eq(t->max_bins, 64);
    cr_assert_float_eq(t->test_fraction, 0.3, 1e-15);
    cr_assert_float_eq(t->threshold, 0.25, 1e-15);
    cr_assert_str_eq(t->value, "clv");
    cr_assert_eq(t->trees, 50);
    cr_assert_eq(t->max_features, 3);
    crm_job_free(job);
}

Test(job, tree_defaults_and_churn_days_take_the_rfm_cutoff)
{
    crm_job *job = NULL;
    crm_error err = {{0}};
    const char *path = write_job(
        "[input]\nstore = s.h5\n[rfm]\nas_of = 1970-01-11\n[tree]\n"
        "churn_days = 90\nfeatures = recency\n");
    cr_assert_eq(crm_job_load(path, &job, &err), CRM_OK, "%s", err.msg);
    const crm_job_tree *t = &job->tree;
    cr_assert_eq(t->churn_days, 90);
    cr_assert_eq(t->has_as_of, 1);
    cr_assert_eq(t->as_of_day, 10);
    cr_assert_eq(t->max_depth, 6);
    cr_assert_eq(t->min_samples_leaf, 20);
    cr_assert_eq(t->min_category_rows, 100);
    cr_assert_eq(t->max_bins, 255);
    cr_assert_float_eq(t->test_fraction, 0.2, 1e-15);
    cr_assert_float_eq(t->threshold, 0.5, 1e-15);
    cr_assert_eq(t->trees, 1);
    cr_assert_null(t->value);
    crm_job_free(job);
}

Test(job, tree_combinations_and_values_are_checked)
{
    cr_assert(strstr(load_error("[input]\nstore = s.h5\n[tree]\nlabel = c\n"
                                "churn_days = 9\nfeatures = a\n"),
                     "[tree] label and churn_days: give one"));
    cr_assert(strstr(load_error("[input]\nstore = s.h5\n[tree]\n"
                                "features = a\n"),
                     "[tree] label: missing"));
    cr_assert(strstr(load_error("[input]\nstore = s.h5\n[tree]\nlabel = c\n"),
                     "[tree] features: missing"));
    cr_assert(strstr(load_error("[input]\nstore = s.h5\n[rfm]\n[tree]\n"
                                "churn_days = 9\nfeatures = recency\n"),
                     "set [rfm] as_of"));
    cr_assert(strstr(load_error("[input]\nstore = s.h5\n[rfm]\n"
                                "as_of = 2020-01-01\n[tree]\nchurn_days = 9\n"
                                "as_of = 2020-02-01\nfeatures = recency\n"),
                     "[tree] as_of differs from [rfm] as_of"));
    cr_assert(strstr(load_error("[input]\nstore = s.h5\n[tree]\nlabel = c\n"
                                "features = a\ncriterion = chi2\n"),
                     ":6: [tree] criterion: expected gini or entropy"));
    cr_assert(strstr(load_error("[input]\nstore = s.h5\n[tree]\nlabel = c\n"
                                "features = a\nmax_bins = 256\n"),
                     "max_bins: expected an integer from 2 to 255"));
    cr_assert(strstr(load_error("[input]\nstore = s.h5\n[tree]\nlabel = c\n"
                                "features = a\nclass_weight = auto\n"),
                     "class_weight: expected none or balanced"));
}

/* libinih reads 200-byte lines; longer ones (a long feature list) are
 * read whole by our reader, their value handed over aside. */
Test(job, long_lines_are_read_whole)
{
    char text[2048], list[1600] = "";
    for (int i = 0; i < 150; i++) {
        char name[16];
        snprintf(name, sizeof name, "%sf%d", i ? ", " : "", i);
        strcat(list, name);
    }
    snprintf(text, sizeof text, "[input]\nstore = s.h5\n[kmeans]\n"
             "features = %s ; a comment\n", list);
    crm_job *job = NULL;
    crm_error err = {{0}};
    cr_assert_eq(crm_job_load(write_job(text), &job, &err), CRM_OK, "%s",
                 err.msg);
    cr_assert_eq(job->kmeans.features.n, 150);
    cr_assert_str_eq(job->kmeans.features.items[149], "f149");
    crm_job_free(job);
    snprintf(text, sizeof text, "[input]\nstore = s.h5\n[kmeans]\n%s\n",
             list);
    cr_assert(strstr(load_error(text), ":4: expected \"key = value\""));
}
