# Golden values for tests/test_cox.py run to full precision: R's coxph with convergence
# tightened (eps = 1e-14) on Fortna's spells, and a seven-row example of R's risk-set rule
# (a row entering at t is not at risk at t).
#   Rscript tests/r/cox_precision.R [out.json]     (from the repository root)
# Writes tests/data/cox_precision_r.json (or the path given).
suppressPackageStartupMessages({library(survival); library(foreign)})
source("tests/r/_common.R")  # data_file(), out_path(), the JSON writer js()
d <- read.dta(data_file("fortna2008", "pk_and_pkept.dta"))
d$st_t0 <- d[["_t0"]]; d$st_t <- d[["_t"]]; d$st_d <- d[["_d"]]
d$m0 <- ceiling(d$st_t0 / 30); d$m1 <- ceiling(d$st_t / 30)
d1 <- subset(d, st_t0 == 0)
tight <- suppressWarnings(coxph.control(eps = 1e-14, iter.max = 100))  # warns: toler.chol > eps
fit <- function(f) list(coef = unname(coef(f)), se = unname(sqrt(diag(f$var))), loglik = f$loglik)
months_efron <- coxph(Surv(m0, m1, st_d) ~ pk_dum + victory + treaty + wardur + logdead + wartype, data = d,
                      ties = "efron", cluster = cluster, control = tight)
first_breslow <- coxph(Surv(st_t, st_d) ~ pk_dum + victory + treaty + wardur + logdead + wartype, data = d1,
                       ties = "breslow", control = tight)

tiny <- data.frame(start = c(0, 5, 0, 2, 0, 3, 1), stop = c(5, 10, 8, 6, 4, 9, 7),
                   event = c(1, 1, 0, 1, 1, 0, 1), x = c(1, 0, 0, 1, 0, 1, 0))
tctl <- coxph.control(eps = 1e-14, toler.chol = 1e-15)
tiny_fit <- coxph(Surv(start, stop, event) ~ x, data = tiny, ties = "breslow", control = tctl)
tiny2 <- tiny; tiny2$start[2] <- 4.999                 # the second row now at risk at 5
tiny_entry <- coxph(Surv(start, stop, event) ~ x, data = tiny2, ties = "breslow", control = tctl)

writeLines(js(list(versions = versions("foreign"), months_efron = fit(months_efron),
                   first_breslow = fit(first_breslow), tiny = fit(tiny_fit),
                   tiny_entry_4999 = fit(tiny_entry))),
           out_path("cox_precision"))
