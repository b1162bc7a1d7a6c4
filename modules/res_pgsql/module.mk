# modules/res_pgsql: build rules
