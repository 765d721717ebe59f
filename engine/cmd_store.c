/* placeholder until the module lands */
typedef int crm_placeholder_unit;
