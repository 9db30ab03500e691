# Stage: FE Li+ flux ensemble and notebooks (Fig. 4, S6, S7, S15).
# Register notebooks with notebook(...) from common.smk (issue 6).
