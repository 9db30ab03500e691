# Stage: memristor notebooks (Fig. 6e-i).

notebook(
    "fig6_memristor",
    params={"memristor": config["analysis"]["memristor"]},
    sheets=["sweeps"],
    category="Fig. 6 memristor",
    tables=["memristor_cycles.csv", "memristor_devices.csv"],
)
