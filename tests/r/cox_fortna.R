# Golden values for tests/test_cox.py and tests/test_zph.py: R's coxph, cox.zph, residuals,
# survfit and basehaz on Fortna's ceasefire spells (13 models; see cox_r_models.py for ours).
#   Rscript tests/r/cox_fortna.R [out.json]     (from the repository root)
# Writes tests/data/cox_fortna_r.json (or the path given); 12 significant digits are kept.
suppressPackageStartupMessages({library(survival); library(foreign)})
source("tests/r/_common.R")  # data_file(), out_path()
d <- read.dta(data_file("fortna2008", "pk_and_pkept.dta"))
d$st_t0 <- d[["_t0"]]; d$st_t <- d[["_t"]]; d$st_d <- d[["_d"]]
d$m0 <- ceiling(d$st_t0 / 30); d$m1 <- ceiling(d$st_t / 30)  # months: tied event times
d$w <- 1 + d$id %% 3                                         # integer case weights
d1 <- subset(d, st_t0 == 0)                                  # first segments: right-censored data
# 12 significant digits (the fixture predates the 17-digit writer of _common.R)
num12 <- function(x) paste0("[", paste(ifelse(is.na(x), "null", sprintf("%.12g", x)), collapse = ", "), "]")
obj <- function(l) paste0("{", paste(sprintf('"%s": %s', names(l), unlist(l)), collapse = ", "), "}")
fits <- list(
  pk_breslow = coxph(Surv(st_t0, st_t, st_d) ~ pk_dum, data = d, ties = "breslow", cluster = cluster),
  full_breslow = coxph(Surv(st_t0, st_t, st_d) ~ pk_dum + victory + treaty + wardur + logdead + wartype,
                       data = d, ties = "breslow", cluster = cluster),
  pkop_breslow = coxph(Surv(st_t0, st_t, st_d) ~ factor(pkop), data = d, ties = "breslow", cluster = cluster),
  full_efron = coxph(Surv(st_t0, st_t, st_d) ~ pk_dum + victory + treaty + wardur + logdead + wartype,
                     data = d, ties = "efron", cluster = cluster),
  months_efron = coxph(Surv(m0, m1, st_d) ~ pk_dum + victory + treaty + wardur + logdead + wartype,
                       data = d, ties = "efron", cluster = cluster),
  months_breslow = coxph(Surv(m0, m1, st_d) ~ pk_dum + victory + treaty + wardur + logdead + wartype,
                         data = d, ties = "breslow", cluster = cluster),
  strata_breslow = coxph(Surv(st_t0, st_t, st_d) ~ pk_dum + victory + treaty + wardur + logdead + strata(wartype),
                         data = d, ties = "breslow", cluster = cluster),
  strata_months_efron = coxph(Surv(m0, m1, st_d) ~ pk_dum + victory + treaty + wardur + logdead + strata(wartype),
                              data = d, ties = "efron", cluster = cluster),
  weights_months_efron = coxph(Surv(m0, m1, st_d) ~ pk_dum + victory + treaty + wardur + logdead + wartype,
                               data = d, weights = w, ties = "efron", cluster = cluster),
  nocluster_breslow = coxph(Surv(st_t0, st_t, st_d) ~ pk_dum + victory + treaty + wardur + logdead + wartype,
                            data = d, ties = "breslow"),
  id_robust_efron = coxph(Surv(m0, m1, st_d) ~ pk_dum + victory + treaty + wardur + logdead + wartype,
                          data = d, ties = "efron", id = id, robust = TRUE),
  first_breslow = coxph(Surv(st_t, st_d) ~ pk_dum + victory + treaty + wardur + logdead + wartype,
                        data = d1, ties = "breslow"),
  first_efron_robust = coxph(Surv(m1, st_d) ~ pk_dum + victory + treaty + wardur + logdead + wartype,
                             data = d1, ties = "efron", robust = TRUE)
)
profiles <- data.frame(pk_dum = c(0, 1), victory = 0, treaty = 1, wardur = 24, logdead = 10, wartype = 1)
out <- c()
for (nm in names(fits)) {
  f <- fits[[nm]]
  naive <- if (is.null(f$naive.var)) f$var else f$naive.var
  z <- cox.zph(f)
  l <- list(coef = num12(coef(f)), se_model = num12(sqrt(diag(naive))),
            se_robust = num12(if (is.null(f$naive.var)) NA else sqrt(diag(f$var))),
            loglik = num12(f$loglik), score = num12(f$score), wald = num12(f$wald.test),
            rscore = num12(if (is.null(f$rscore)) NA else f$rscore),
            concordance = num12(f$concordance[c("concordance", "std")]),
            n = num12(f$n), nevent = num12(f$nevent), iter = num12(f$iter),
            zph_chisq = num12(z$table[, "chisq"]), zph_df = num12(z$table[, "df"]), zph_p = num12(z$table[, "p"]),
            zph_time = num12(z$time))
  detail <- nm %in% c("full_breslow", "pkop_breslow", "months_efron", "strata_months_efron",
                      "weights_months_efron", "first_efron_robust")
  if (detail) {
    l$zph_x <- num12(z$x); l$zph_y <- num12(z$y)
    l$resid_score <- num12(residuals(f, type = "score"))
    l$resid_martingale <- num12(residuals(f, type = "martingale"))
  }
  if (nm %in% c("full_breslow", "months_efron")) {
    l$resid_schoenfeld <- num12(residuals(f, type = "schoenfeld"))
    l$resid_scaledsch <- num12(residuals(f, type = "scaledsch"))
  }
  curves <- nm %in% c("full_breslow", "months_efron", "strata_months_efron", "weights_months_efron")
  if (curves && !grepl("strata", nm)) {
    sf <- survfit(f, newdata = profiles)
    l$sf_time <- num12(sf$time); l$sf_surv <- num12(sf$surv); l$sf_cumhaz <- num12(sf$cumhaz)
    l$sf_std_err <- num12(sf$std.err); l$sf_lower <- num12(sf$lower); l$sf_upper <- num12(sf$upper)
    l$sf_n_risk <- num12(sf$n.risk); l$sf_n_event <- num12(sf$n.event)
    bh <- basehaz(f, centered = FALSE); l$bh_time <- num12(bh$time); l$bh_hazard <- num12(bh$hazard)
    bc <- basehaz(f, centered = TRUE); l$bhc_hazard <- num12(bc$hazard)
  } else if (curves) {
    p2 <- data.frame(pk_dum = c(0, 1), victory = 0, treaty = 1, wardur = 24, logdead = 10, wartype = c(1, 0))
    sf <- survfit(f, newdata = p2)
    l$sf_time <- num12(sf$time); l$sf_surv <- num12(sf$surv); l$sf_std_err <- num12(sf$std.err)
    l$sf_strata <- num12(sf$strata); l$sf_lower <- num12(sf$lower); l$sf_upper <- num12(sf$upper)
  }
  out <- c(out, sprintf('"%s": %s', nm, obj(l)))
}
z2 <- cox.zph(fits$full_breslow, transform = "identity"); z3 <- cox.zph(fits$full_breslow, transform = "rank")
z4 <- cox.zph(fits$full_breslow, transform = "log"); z5 <- cox.zph(fits$pkop_breslow, terms = FALSE)
out <- c(out, sprintf('"zph_variants": %s', obj(list(
  identity = num12(z2$table[, "chisq"]), rank = num12(z3$table[, "chisq"]), log = num12(z4$table[, "chisq"]),
  pkop_terms_false = num12(z5$table[, "chisq"]), pkop_terms_false_y = num12(z5$y)))))
out <- c(out, sprintf('"meta": {"R": "%s", "survival": "%s"}', R.version.string, packageVersion("survival")))
writeLines(paste0("{\n", paste(out, collapse = ",\n"), "\n}"), out_path("cox_fortna"))
