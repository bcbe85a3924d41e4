"""Statistical models: survival (Kaplan-Meier, Cox, parametric, competing risks), regressions, selection adjustment."""
