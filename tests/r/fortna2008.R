# Golden values for tests/test_report_fortna2008.py: the Cox models, the PH test, the
# log-rank test and the IPW-weighted Cox model of the Fortna (2008) report, in R.
#   Rscript tests/r/fortna2008.R [out.json]     (from the repository root)
# Writes tests/data/fortna2008_r.json (or the path given).
suppressPackageStartupMessages(library(survival))
source("tests/r/_common.R")  # data_file(), out_path(), the JSON writer js()
d <- read.csv(data_file("fortna2008", "pk_and_pkept.csv"))
fit <- function(f) list(terms = names(coef(f)), coef = unname(coef(f)), se = unname(sqrt(diag(vcov(f)))))
f1 <- coxph(Surv(X_t0, X_t, X_d) ~ pk_dum, data = d, ties = "breslow", cluster = cluster)
f2 <- coxph(Surv(X_t0, X_t, X_d) ~ pk_dum + victory + treaty + wardur + logdead + wartype,
            data = d, ties = "breslow", cluster = cluster)
z <- cox.zph(f2)$table
# one row per spell: pk_dum at the spell's start, time to failure or censoring at its end
d <- d[order(d$id, d$X_t0), ]
first <- d[!duplicated(d$id), ]
last <- d[!duplicated(d$id, fromLast = TRUE), ]
sp <- data.frame(id = first$id, pk_start = first$pk_dum, time = last$X_t, event = last$X_d)
lr <- survdiff(Surv(time, event) ~ pk_start, data = sp)
# IPW: stabilized ATE weights from a logit of pk at the spell's start
sp <- data.frame(id = first$id, cluster = first$cluster, pk_start = first$pk_dum, victory = first$victory,
                 treaty = first$treaty, wardur = first$wardur, logdead = first$logdead,
                 wartype = first$wartype, time = last$X_t, event = last$X_d)
sp <- na.omit(sp)
ps <- fitted(glm(pk_start ~ victory + treaty + wardur + logdead + wartype, family = binomial, data = sp))
p1 <- mean(sp$pk_start)
sp$ipw <- ifelse(sp$pk_start == 1, p1 / ps, (1 - p1) / (1 - ps))
fw <- coxph(Surv(time, event) ~ pk_start, data = sp, weights = ipw, cluster = cluster, ties = "breslow")
writeLines(js(list(versions = versions(), cox = fit(f1), cox_controls = fit(f2),
                   zph = list(terms = rownames(z), chisq = unname(z[, "chisq"]), p = unname(z[, "p"])),
                   logrank = list(chisq = lr$chisq, obs = lr$obs, exp = lr$exp), ipw = fit(fw))),
           out_path("fortna2008"))
