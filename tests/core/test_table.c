#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>

#include "core/table.h"

static const int32_t codes[] = {0, -1, 1};
static const int64_t ints[] = {5, INT64_MIN, -7};
static const float f32[] = {1.5f, NAN, -2.0f};
static const double f64[] = {0.25, 3.0, NAN};
static const char *const words[] = {"café", "北京"};

static crm_table fixture(crm_column *cols)
{
    cols[0] = (crm_column){.name = "city", .type = CRM_TYPE_INT32,
                           .data = codes, .dict = words, .ndict = 2};
    cols[1] = (crm_column){.name = "n", .type = CRM_TYPE_INT64, .data = ints,
                           .has_missing = 1, .missing_value = INT64_MIN};
    cols[2] = (crm_column){.name = "x", .type = CRM_TYPE_FLOAT32, .data = f32};
    cols[3] = (crm_column){.name = "y", .type = CRM_TYPE_FLOAT64, .data = f64};
    return (crm_table){.nrows = 3, .ncols = 4, .cols = cols};
}

Test(table, find_returns_the_named_column_or_null)
{
    crm_column cols[4];
    const crm_table t = fixture(cols);
    cr_assert_eq(crm_table_find(&t, "x"), &cols[2]);
    cr_assert_null(crm_table_find(&t, "missing"));
    cr_assert_null(crm_table_find(NULL, "x"));
}

Test(table, missing_values_are_seen_in_every_representation)
{
    crm_column cols[4];
    const crm_table t = fixture(cols);
    const int expect[4][3] = {{0, 1, 0}, {0, 1, 0}, {0, 1, 0}, {0, 0, 1}};
    for (size_t c = 0; c < 4; c++)
        for (size_t r = 0; r < 3; r++)
            cr_assert_eq(crm_column_is_missing(&t.cols[c], r), expect[c][r],
                         "column %zu row %zu", c, r);
}

Test(table, get_f64_converts_and_gives_nan_for_missing)
{
    crm_column cols[4];
    const crm_table t = fixture(cols);
    cr_assert_eq(crm_column_get_f64(&cols[1], 2), -7.0);
    cr_assert(isnan(crm_column_get_f64(&cols[1], 1)));
    cr_assert_eq(crm_column_get_f64(&cols[2], 0), 1.5);
    cr_assert_eq(crm_column_get_i64(&cols[3], 1), 3);
    cr_assert_eq(t.nrows, 3);
}

Test(table, dict_text_honours_slices_and_bounds)
{
    crm_column cols[4];
    fixture(cols);
    cr_assert_str_eq(crm_column_dict_text(&cols[0], 1), "北京");
    cr_assert_null(crm_column_dict_text(&cols[0], -1));
    cr_assert_null(crm_column_dict_text(&cols[0], 2));
    cols[0].dict_row0 = 10;
    cr_assert_str_eq(crm_column_dict_text(&cols[0], 10), "café");
    cr_assert_null(crm_column_dict_text(&cols[0], 9));
    cr_assert_null(crm_column_dict_text(&cols[1], 0));
}

Test(table, type_sizes_and_names)
{
    cr_assert_eq(crm_type_size(CRM_TYPE_INT32), 4);
    cr_assert_eq(crm_type_size(CRM_TYPE_FLOAT64), 8);
    cr_assert_str_eq(crm_type_name(CRM_TYPE_INT64), "int64");
    cr_assert_str_eq(crm_type_name((crm_type)42), "unknown");
}
