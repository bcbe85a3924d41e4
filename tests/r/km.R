# Golden values for tests/test_km.py: survival::survfit (Kaplan-Meier by group, log, log-log
# and plain bands, medians, curves at given times, delayed entry, tied times, case weights)
# and survdiff (log-rank, strata, trend) on Fortna's ceasefires.
#   Rscript tests/r/km.R [out.json]     (from the repository root)
# Writes tests/data/km_r.json (or the path given): {"km": {...}, "logrank": {...}}.
suppressPackageStartupMessages({library(survival); library(foreign)})
source("tests/r/_common.R")  # data_file(), out_path(), the JSON writer js()
d <- read.dta(data_file("fortna2008", "pk_and_pkept.dta"))
d <- d[order(d$id, d$"_t0"), ]
first <- d[!duplicated(d$id), ]; last <- d[!duplicated(d$id, fromLast = TRUE), ]
sp <- first; sp$stop <- last$"_t"; sp$event <- last$"_d"
sp$months <- ceiling(sp$stop / 30.4375)
sp$w <- 1 + (sp$id %% 3) / 2
km <- list()
P <- function(name, x) km[[name]] <<- as.numeric(x)
S <- function(prefix, fit, full = TRUE) {
  s <- summary(fit)
  P(paste0(prefix, "_time"), s$time)
  if (!is.null(s$strata)) P(paste0(prefix, "_group"), as.integer(s$strata) - 1)
  if (full) {
    P(paste0(prefix, "_n_risk"), s$n.risk); P(paste0(prefix, "_n_event"), s$n.event)
    P(paste0(prefix, "_n_censor"), s$n.censor)
    P(paste0(prefix, "_surv"), s$surv); P(paste0(prefix, "_std_err"), s$std.err)
  }
  P(paste0(prefix, "_lower"), s$lower); P(paste0(prefix, "_upper"), s$upper)
}
AT <- function(prefix, fit) {
  st <- summary(fit, times = c(365, 730, 1825, 3650))
  P(paste0(prefix, "_at_time"), st$time); P(paste0(prefix, "_at_group"), as.integer(st$strata) - 1)
  P(paste0(prefix, "_at_n_risk"), st$n.risk); P(paste0(prefix, "_at_n_event"), st$n.event)
  P(paste0(prefix, "_at_surv"), st$surv); P(paste0(prefix, "_at_std_err"), st$std.err)
  P(paste0(prefix, "_at_lower"), st$lower); P(paste0(prefix, "_at_upper"), st$upper)
}
MED <- function(prefix, fit) {
  tb <- summary(fit)$table
  P(paste0(prefix, "_median"), tb[, "median"])
  P(paste0(prefix, "_median_lcl"), tb[, "0.95LCL"]); P(paste0(prefix, "_median_ucl"), tb[, "0.95UCL"])
  invisible(tb)
}
# A: one row per spell, by pk_dum at the start of the spell
fa <- survfit(Surv(stop, event) ~ pk_dum, data = sp); S("A", fa)
S("A_loglog", survfit(Surv(stop, event) ~ pk_dum, data = sp, conf.type = "log-log"), full = FALSE)
S("A_plain", survfit(Surv(stop, event) ~ pk_dum, data = sp, conf.type = "plain"), full = FALSE)
MED("A", fa); AT("A", fa)
# B: counting-process rows with delayed entry
fb <- survfit(Surv(`_t0`, `_t`, `_d`) ~ pk_dum, data = d); S("B", fb)
tb <- MED("B", fb)
P("B_n_start", tb[, "n.start"]); P("B_n_max", tb[, "n.max"]); P("B_records", tb[, "records"])
AT("B", fb)
# C: months (tied event times)
fc <- survfit(Surv(months, event) ~ pk_dum, data = sp); S("C", fc); MED("C", fc)
S("C_loglog", survfit(Surv(months, event) ~ pk_dum, data = sp, conf.type = "log-log"), full = FALSE)
# D: non-integer case weights; model-based (Greenwood) variance. R's default for
#    non-integer weights is the infinitesimal-jackknife variance (robust = TRUE).
S("D", survfit(Surv(months, event) ~ 1, data = sp, weights = w, robust = FALSE))
# E: integer case weights (R's default variance is Greenwood's here)
sp$wi <- 1 + (sp$id %% 3)
S("E", survfit(Surv(months, event) ~ pk_dum, data = sp, weights = wi))

# Log-rank tests
lr <- list()
Q <- function(name, x) lr[[name]] <<- as.numeric(x)
L <- function(prefix, s) {
  Q(paste0(prefix, "_obs"), if (is.matrix(s$obs)) rowSums(s$obs) else s$obs)
  Q(paste0(prefix, "_exp"), if (is.matrix(s$exp)) rowSums(s$exp) else s$exp)
  Q(paste0(prefix, "_var"), as.vector(s$var)); Q(paste0(prefix, "_chisq"), s$chisq)
  Q(paste0(prefix, "_p"), s$pvalue); Q(paste0(prefix, "_n"), as.vector(s$n))
}
L("LR1", survdiff(Surv(stop, event) ~ pk_dum, data = sp))
s2 <- survdiff(Surv(months, event) ~ chapter, data = sp); L("LR2", s2)
# trend across chapter 0 (none) < 1 (Chapter VI) < 2 (Chapter VII), two ways:
sc <- c(0, 1, 2); U <- sum(sc * (s2$obs - s2$exp)); V <- drop(t(sc) %*% s2$var %*% sc)
Q("LR2_trend_by_hand", U^2 / V)
Q("LR2_trend_cox_exact_score", coxph(Surv(months, event) ~ chapter, data = sp, ties = "exact")$score)
L("LR3", survdiff(Surv(stop, event) ~ pk_dum + strata(wartype), data = sp))
s4 <- survdiff(Surv(months, event) ~ chapter + strata(wartype), data = sp); L("LR4", s4)
o4 <- rowSums(s4$obs); e4 <- rowSums(s4$exp); U <- sum(sc * (o4 - e4))
V <- drop(t(sc) %*% s4$var %*% sc); Q("LR4_trend_by_hand", U^2 / V)
Q("LR4_trend_cox_exact_score",
  coxph(Surv(months, event) ~ chapter + strata(wartype), data = sp, ties = "exact")$score)
# delayed entry: survdiff takes right-censored data only; with untied event times the
# log-rank test is the Cox score test (Breslow) on the same risk sets
Q("LR5_entry_cox_breslow_score", coxph(Surv(`_t0`, `_t`, `_d`) ~ pk_dum, data = d, ties = "breslow")$score)
Q("LR6_entry_strata_cox_breslow_score",
  coxph(Surv(`_t0`, `_t`, `_d`) ~ pk_dum + strata(wartype), data = d, ties = "breslow")$score)

writeLines(js(list(versions = versions("foreign"), km = km, logrank = lr)), out_path("km"))
