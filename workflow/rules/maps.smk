# Stage: AFM map ingest outputs and notebooks (Fig. 2a,b, 3a-j).
# Register notebooks with notebook(...) from common.smk (issue 5).
