# Golden values for tests/test_tables.py: the fits whose numbers the publication tables must
# show. Doyle & Sambanis (2000): two logits of peacebuilding success (m1 small, m2 full), m1's
# clustered SEs (sandwich::vcovCL, HC1) and the OLS of m1's formula; Fortna's ceasefires: a Cox
# model on one row per spell (first segment's covariates, last segment's end and failure).
#   Rscript tests/r/tables.R [out.json]     (from the repository root)
# Writes tests/data/tables_r.json (or the path given): {"m1", "m2", "ols", "cox"}, each with
# the summary()$coefficients columns by term ("(Intercept)" is "Intercept"), logLik, AIC, nobs.
suppressPackageStartupMessages({library(survival); library(foreign); library(sandwich)})
source("tests/r/_common.R")  # data_file(), out_path(), the JSON writer js()
coefs <- function(m, cols) {
  s <- summary(m)$coefficients
  out <- list(term = sub("^\\(Intercept\\)$", "Intercept", rownames(s)))
  for (k in names(cols)) out[[k]] <- unname(s[, cols[[k]]])
  out
}
fit <- function(m, cols) c(coefs(m, cols), list(loglik = as.numeric(logLik(m)), aic = AIC(m), nobs = nobs(m)))
glm_cols <- c(estimate = "Estimate", std_error = "Std. Error", statistic = "z value", p_value = "Pr(>|z|)")

d <- read.csv(data_file("doyle_sambanis2000", "peace.csv"))
ctl <- glm.control(epsilon = 1e-14, maxit = 100)
m1 <- glm(pbs2s3 ~ untype4 + treaty + logcost, family = binomial, data = d, control = ctl)
m2 <- glm(pbs2s3 ~ wartype + logcost + wardur + factnum + factnum2 + trnsfcap + untype4
          + treaty + develop + exp + decade, family = binomial, data = d, control = ctl)
ols <- lm(pbs2s3 ~ untype4 + treaty + logcost, data = d)
r1 <- fit(m1, glm_cols)
cl <- sqrt(diag(vcovCL(m1, cluster = ~cluster, type = "HC1")))  # the clustered m1
r1$cl_std_error <- unname(cl[names(coef(m1))])
r1$n_clusters <- length(unique(d$cluster[as.integer(rownames(model.frame(m1)))]))

f <- read.dta(data_file("fortna2008", "pk_and_pkept.dta"))
f <- f[order(f$id, f$"_t0"), ]
first <- f[!duplicated(f$id), ]
last <- aggregate(cbind(time = f$"_t", event = f$"_d") ~ id, data = f, FUN = max)
s <- merge(first[, c("id", "cluster", "pk_dum", "victory", "treaty", "logdead")], last, by = "id")
# Efron ties, run to convergence (the default eps = 1e-9 stops ~1e-9 short of the optimum that
# statsmodels and peacestats reach)
cx <- coxph(Surv(time, event) ~ pk_dum + victory + treaty + logdead, data = s,
            control = coxph.control(eps = 1e-14, toler.chol = 1e-15, iter.max = 100))
rc <- fit(cx, c(estimate = "coef", std_error = "se(coef)", statistic = "z", p_value = "Pr(>|z|)"))
rc$nobs <- cx$n; rc$n_events <- cx$nevent

out <- list(versions = versions("foreign", "sandwich"), m1 = r1, m2 = fit(m2, glm_cols),
            ols = fit(ols, c(estimate = "Estimate", std_error = "Std. Error", statistic = "t value",
                             p_value = "Pr(>|t|)")),
            cox = rc)
writeLines(js(out), out_path("tables"))
