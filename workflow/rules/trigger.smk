# Stage: trigger-bias notebooks (Fig. 1e, 2c-f, 5c, S5, S11b).
# Register notebooks with notebook(...) from common.smk (issue 4).
