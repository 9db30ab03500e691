"""pyimpspec 5 against impedance.py 1.7.1 on real and odd spectra and on lab spectra (README numbers).

1. Kramers-Kronig test on every real impedance fixture (``../shared/fixtures/real``) and on odd
   spectra (passed as they are, without ``prepare_spectrum``): impedance.py ``validation.linKK``
   (as shipped under numpy 2, and with numpy-1 scalar reprs, the former project's work-around)
   against pyimpspec (``llzo.analysis.eis.kk_test``).
2. Circuit fits on the real fixtures: the former path (impedance.py ``CustomCircuit``,
   ``R0-p(R1,CPE1)-p(R2,CPE2)``, commit ``REFERENCE_COMMIT``), pyimpspec ``fit_circuit`` (lmfit) on
   ``RZarcZarc``, and this project's fit (``fit_spectrum``): RMS relative residual.
3. Scatter and standard error of R_arc over 40 noise realisations of one spectrum for pyimpspec
   ``fit_circuit`` (methods x weights) and for the own least squares.

Needs the dev dependency impedance==1.7.1 and git history. ``python workflow/scripts/compare_eis_libraries.py``
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "workflow"))
sys.path.insert(0, str(ROOT))

from llzo.analysis.eis import Candidate, CircuitModel, EISParams, fit_spectrum, kk_test  # noqa: E402

REFERENCE_COMMIT = "4d7866ea0356126f140cf48a736282556b93a511"
REAL = ROOT.parent / "shared" / "fixtures" / "real"


def _old_module():
    src = subprocess.run(["git", "show", f"{REFERENCE_COMMIT}:workflow/llzo/analysis/eis.py"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    path = Path(tempfile.mkdtemp()) / "old_eis.py"
    path.write_text(src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("old_eis", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["old_eis"] = mod
    spec.loader.exec_module(mod)
    return mod


def _spectra() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    from tests.analysis.test_eis import _odd_spectra, _real_spectra

    out = _real_spectra(REAL) if REAL.is_dir() else {}
    for k in ("NaNs", "all inductive", "constant", "negative real part", "duplicated frequencies", "3 points"):
        out[f"odd: {k}"] = _odd_spectra()[k]
    return out


def _linkk(f, Z, legacy: bool) -> str:
    from impedance.validation import linKK

    t = time.process_time()
    try:
        with warnings.catch_warnings(), np.printoptions(legacy="1.25" if legacy else False), \
                contextlib.redirect_stdout(io.StringIO()):  # linKK prints progress
            warnings.simplefilter("ignore")
            M, _mu, _Zf, rr, ri = linKK(f, Z, c=0.85, max_M=50, fit_type="complex", add_cap=True)
        worst = 100 * max(np.max(np.abs(rr)), np.max(np.abs(ri)))
        return f"M={M}, max residual {worst:.3g} % ({time.process_time() - t:.2f} s)"
    except Exception as e:
        return f"**{type(e).__name__}**"


def _pyimpspec_kk(f, Z) -> str:
    t = time.process_time()
    try:
        kk = kk_test(f, Z, EISParams())
        return (f"M={kk.num_RC}, noise {kk.noise_pct:.3g} %, max residual {kk.max_residual_pct:.3g} % "
                f"({'valid' if kk.valid else 'invalid'}; {time.process_time() - t:.2f} s)")
    except Exception as e:
        return f"**{type(e).__name__}**: {str(e)[:60]}"


def part1_kk(spectra) -> None:
    print("\n| spectrum | impedance.py linKK, numpy 2 | impedance.py linKK, numpy-1 reprs | pyimpspec |")
    print("|---|---|---|---|")
    for name, (f, Z) in spectra.items():
        f, Z = np.asarray(f, float), np.asarray(Z, complex)
        print(f"| {name} | {_linkk(f, Z, False)} | {_linkk(f, Z, True)} | {_pyimpspec_kk(f, Z)} |")


def _rel_rmse(Z, Zf) -> float:
    d = (Zf - Z) / np.abs(Z)
    return float(np.sqrt(np.mean(d.real ** 2 + d.imag ** 2) / 2))


def part2_fits(spectra, old) -> None:
    from pyimpspec import DataSet, fit_circuit, parse_cdc

    from llzo.analysis.eis import _bare_cdc, drt_peaks, predict, prepare_spectrum

    print("\n| real spectrum | impedance.py (former path) | pyimpspec fit_circuit RZarcZarc | this project |")
    print("|---|---|---|---|")
    for name, (f0, Z0) in spectra.items():
        if name.startswith("odd"):
            continue
        f, Z, _ = prepare_spectrum(f0, Z0)
        cells = []
        t = time.process_time()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = old.fit_symmetric_cell(f, Z, 1.0, f_max_Hz=1e5)
            Zf = old.predict(r, f[f <= 1e5])
            cells.append(f"{100 * _rel_rmse(Z[f <= 1e5], Zf):.3g} % ({time.process_time() - t:.2f} s)")
        except Exception as e:
            cells.append(f"**{type(e).__name__}**")
        t = time.process_time()
        try:
            tau, R = drt_peaks(f, Z, EISParams())
            pick = np.sort(np.argsort(R)[::-1][:2]) if tau.size >= 2 else []
            arcs = [(R[i], tau[i]) for i in pick] or [(0.3 * np.ptp(Z.real), 1e-4), (0.6 * np.ptp(Z.real), 1e-2)]
            cdc = f"R{{R={max(Z.real.min(), 1e-6):.6g}}}" + "".join(
                f"Zarc{{R={max(a, 1e-6):.6g},tau={b:.6g},n=0.85}}" for a, b in arcs)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = fit_circuit(parse_cdc(cdc), DataSet(f, Z, label="x"), method="leastsq", weight="modulus",
                                  num_procs=1)
            cells.append(f"{100 * _rel_rmse(Z, res.circuit.get_impedances(f)):.3g} % "
                         f"({time.process_time() - t:.2f} s)")
        except Exception as e:
            cells.append(f"**{type(e).__name__}**")
        t = time.process_time()
        fit = fit_spectrum(f, Z, EISParams(), drt_peaks(f, Z, EISParams()))
        cells.append(f"{100 * _rel_rmse(Z, predict(fit, f)):.3g} % {_bare_cdc(fit.cdc)} "
                     f"({time.process_time() - t:.2f} s)")
        print(f"| {name} | " + " | ".join(cells) + " |")


def part3_statistics() -> None:
    from pyimpspec import DataSet, fit_circuit, parse_cdc

    f = 1e6 * 10 ** (-np.arange(71) / 10)
    cand = Candidate(2, False, False)
    x = np.array([255.0, 50.0, 4e-7, 0.92, 35.7, 4.2e-4, 0.85])
    Z0 = CircuitModel(cand, f, 0.6).impedance(x)
    start = "R{R=250}Zarc{R=40,tau=1e-6,n=0.9}Zarc{R=30,tau=1e-3,n=0.9}"
    rng = np.random.default_rng(0)
    noisy = [Z0 + 0.003 * np.abs(Z0) * (rng.standard_normal(f.size) + 1j * rng.standard_normal(f.size))
             for _ in range(40)]
    print("\nR_arc = 35.7 ohm, 0.3 % noise, 40 realisations (RZarcZarc, the generating circuit):")
    print("| fit | mean R_arc | scatter (sd) | median reported s.e. | CPU per fit |")
    print("|---|---|---|---|---|")
    for method in ("leastsq", "least_squares"):
        for weight in ("modulus", "boukamp", "unity"):
            est, se = [], []
            t = time.process_time()
            for Z in noisy:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    r = fit_circuit(parse_cdc(start), DataSet(f, Z, label="x"), method=method, weight=weight,
                                    num_procs=1)
                p = max((v for k, v in r.parameters.items() if k.startswith("Zarc")), key=lambda v: v["tau"].value)
                est.append(p["R"].value)
                se.append(p["R"].stderr)
            dt = (time.process_time() - t) / len(noisy)
            print(f"| pyimpspec fit_circuit {method}/{weight} | {np.mean(est):.2f} | {np.std(est, ddof=1):.3f} | "
                  f"{np.nanmedian(se):.3f} | {dt * 1e3:.0f} ms |")
    est, se = [], []
    t = time.process_time()
    p = EISParams(max_arcs=2, n_starts=2)
    for Z in noisy:
        fit = fit_spectrum(f, Z, p)
        d = dict(zip(fit.names, zip(fit.values, fit.se, strict=True), strict=True))
        k = max((k for k in (1, 2) if f"Zarc{k}_R" in d), key=lambda k: d[f"Zarc{k}_tau"][0])
        est.append(d[f"Zarc{k}_R"][0])
        se.append(d[f"Zarc{k}_R"][1])
    dt = (time.process_time() - t) / len(noisy)
    print(f"| this project (all 8 two-arc candidates x 2 starts, BIC) | {np.mean(est):.2f} | "
          f"{np.std(est, ddof=1):.3f} | {np.median(se):.3f} | {dt * 1e3:.0f} ms |")


def main() -> None:
    warnings.simplefilter("ignore")
    spectra = _spectra()
    part1_kk(spectra)
    part2_fits(spectra, _old_module())
    part3_statistics()


if __name__ == "__main__":
    main()
