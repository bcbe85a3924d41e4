# Golden values for tests/test_robustness_fast.py: are integer case weights the same as replicated
# rows in R's coxph? Under Efron ties they are not (the reason the multiverse bootstrap replicates
# rows); under Breslow they are.
#   Rscript tests/r/robustness_weights.R [out.json]     (from the repository root)
# Writes tests/data/robustness_weights_r.json (or the path given). No packages beyond survival.
suppressPackageStartupMessages(library(survival))
source("tests/r/_common.R")
out <- out_path("robustness_weights")
d <- data.frame(t = c(1, 2, 3, 4, 5, 6, 7, 8), d = c(1, 1, 0, 1, 1, 0, 1, 1),
                x = c(0.5, 1.2, -0.3, 0.8, -1.1, 0.4, 0, -0.6))
w <- c(2, 1, 1, 3, 1, 2, 1, 1)
r <- d[rep(seq_len(nrow(d)), w), ]
parts <- c()
for (ties in c("efron", "breslow")) {
  a <- coef(coxph(Surv(t, d) ~ x, data = d, weights = w, ties = ties))[["x"]]
  b <- coef(coxph(Surv(t, d) ~ x, data = r, ties = ties))[["x"]]
  parts <- c(parts, sprintf("\"%s\": {\"weighted\": %.17g, \"replicated\": %.17g}", ties, a, b))
}
writeLines(paste0("{\n  ", paste(parts, collapse = ",\n  "), ",\n  \"weights\": [",
                  paste(w, collapse = ", "), "]\n}"), out)
