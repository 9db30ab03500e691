# Stage: memristor notebooks (Fig. 6e-i).
# Register notebooks with notebook(...) from common.smk (issue 8).
