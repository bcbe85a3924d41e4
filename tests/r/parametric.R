# Golden values for tests/test_parametric.py: survival::survreg (Weibull, exponential,
# log-logistic; model and cluster-robust variances; case weights) on Fortna's spells, one
# row per spell (covariates of the first segment, duration to the end of the last).
#   Rscript tests/r/parametric.R [out.json]     (from the repository root)
# Writes tests/data/parametric_r.json (or the path given).
suppressPackageStartupMessages({library(survival); library(foreign)})
source("tests/r/_common.R")  # data_file(), out_path(), the JSON writer js()
d <- read.dta(data_file("fortna2008", "pk_and_pkept.dta"))
d <- d[order(d$id, d$"_t0"), ]
first <- d[!duplicated(d$id), ]; last <- d[!duplicated(d$id, fromLast = TRUE), ]
sp <- first; sp$stop <- last$"_t"; sp$event <- last$"_d"; sp$wi <- 1 + (sp$id %% 3)
res <- list(versions = versions("foreign"))
f <- Surv(stop, event) ~ pk_dum + victory + treaty + wardur + logdead + wartype
for (dist in c("weibull", "exponential", "loglogistic")) {
  m <- survreg(f, data = sp, dist = dist)
  mr <- survreg(f, data = sp, dist = dist, cluster = cluster)
  res[[paste0(dist, "_coef")]] <- unname(if (dist == "exponential") coef(m) else c(coef(m), log(m$scale)))
  res[[paste0(dist, "_se")]] <- unname(sqrt(diag(vcov(m))))
  res[[paste0(dist, "_loglik")]] <- m$loglik[2]
  res[[paste0(dist, "_n")]] <- nobs(m)
  res[[paste0(dist, "_robust_vcov")]] <- as.vector(vcov(mr))   # column-major
}
# Case weights. R's cluster= variance drops the weights from the scores (wt_robust_se_R_default);
# the sandwich with weighted scores is what peacestats computes (wt_robust_se_weighted_scores).
m <- survreg(Surv(stop, event) ~ pk_dum + victory + treaty, data = sp, weights = wi)
res$wt_coef <- unname(c(coef(m), log(m$scale)))
res$wt_se <- unname(sqrt(diag(vcov(m))))
res$wt_loglik <- m$loglik[2]
mr <- survreg(Surv(stop, event) ~ pk_dum + victory + treaty, data = sp, weights = wi, cluster = cluster)
res$wt_robust_se_R_default <- unname(sqrt(diag(vcov(mr))))
D <- residuals(m, type = "dfbeta", weighted = TRUE)
res$wt_robust_se_weighted_scores <- unname(sqrt(diag(crossprod(rowsum(D, sp$cluster)))))
writeLines(js(res), out_path("parametric"))
