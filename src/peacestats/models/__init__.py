"""Statistical models: survival (Kaplan-Meier, Cox, parametric), regressions, selection adjustment."""
