"""Robustness at scale: multiverse analysis and specification curves, run on Dask.

Declare the analytic choices (dimensions) and their defensible options, expand them into
every specification, fit each, and ask whether the pattern across all of them is more
than chance (Steegen et al. 2016; Simonsohn, Simmons & Nelson 2020)::

    from peacestats.robustness import Multiverse, run_multiverse, run_null, curve_inference
    mv = Multiverse({"recurrence": ["conflict", "location"], "estimator": ["cox", "weibull"]})
    res = run_multiverse(mv, output="out/multiverse", workers=2)   # LocalCluster, 2 processes
    null = run_null(mv, resamples=99, output="out/multiverse", workers=2)
    curve_inference(res, null)

``client=`` (a ``dask.distributed.Client``) or ``scheduler="tcp://host:8786"`` run the
same on an existing cluster. The flagship analysis and its options are described in
:mod:`peacestats.robustness.ucdp_peace` (which also holds the data preparation that
``analyses/ucdp_peace.py`` uses); the null scheme in :mod:`peacestats.robustness.inference`;
the model frames built once and the cluster draws in :mod:`peacestats.robustness.frames`;
the lean fits (one fit for every clustering) in :mod:`peacestats.robustness.lean`; the null
without refitting (``run_null(method="score")``) in :mod:`peacestats.robustness.score`.
"""

from .inference import curve_inference, spec_curve_figure
from .run import dask_client, resample_seed, run_multiverse, run_null
from .specs import Multiverse, Specification, data_fingerprint, expand, load_config, spec_hash

__all__ = ["Multiverse", "Specification", "expand", "spec_hash", "data_fingerprint", "load_config",
           "run_multiverse", "run_null", "dask_client", "resample_seed", "curve_inference", "spec_curve_figure"]
