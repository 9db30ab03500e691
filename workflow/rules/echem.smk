# Stage: electrochemistry notebooks (Fig. 5d-h, S12).
# Register notebooks with notebook(...) from common.smk (issue 7).
