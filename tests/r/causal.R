# Golden values for tests/test_causal.py: the propensity score (base glm), stabilized IPW
# weights, balance (SMD, variance ratios) on Doyle & Sambanis, and an IPW-weighted Cox model
# on Fortna's spells (survival::coxph).
#   Rscript tests/r/causal.R [out.json]     (from the repository root)
# Writes tests/data/causal_r.json (or the path given).
suppressPackageStartupMessages({library(survival); library(foreign)})
source("tests/r/_common.R")  # data_file(), out_path(), the JSON writer js()
tight <- glm.control(epsilon = 1e-14, maxit = 100)

# --- Doyle & Sambanis: UN intervention (un2int) on war characteristics, logit ------------
d <- read.csv(data_file("doyle_sambanis2000", "peace.csv"))
f <- glm(un2int ~ wartype + logcost + wardur + factnum + trnsfcap + treaty + develop + exp + decade,
         family = binomial, data = d, control = tight)
used <- as.integer(names(fitted(f)))
ps <- rep(NA, nrow(d)); ps[used] <- fitted(f)
rows <- c(1, 2, 11, 50, 124)                          # 1-based; the tests use rows - 1
t <- d$un2int; ok <- !is.na(ps); p1 <- mean(t[ok])
w <- ifelse(t == 1, p1 / ps, (1 - p1) / (1 - ps))     # stabilized ATE weights
watt <- ifelse(t == 1, 1, ps / (1 - ps) * (1 - p1) / p1)

smd <- function(x, t, w = rep(1, length(x))) {
  bin <- all(x %in% c(0, 1))
  v <- function(z) if (bin) mean(z) * (1 - mean(z)) else var(z)
  s <- sqrt((v(x[t == 1]) + v(x[t == 0])) / 2)
  (weighted.mean(x[t == 1], w[t == 1]) - weighted.mean(x[t == 0], w[t == 0])) / s
}
wvar <- function(x, w) { m <- weighted.mean(x, w); sum(w * (x - m)^2) * sum(w) / (sum(w)^2 - sum(w^2)) }
covs <- c("wartype", "logcost", "wardur", "factnum", "trnsfcap", "treaty", "develop", "exp", "decade")
dd <- d[ok, ]; tt <- t[ok]; ww <- w[ok]
balance <- lapply(setNames(covs, covs), function(v) {
  x <- dd[[v]]
  bin <- all(x %in% c(0, 1))                          # variance ratios only for continuous covariates
  list(smd = smd(x, tt), smd_adj = smd(x, tt, ww),
       var_ratio = if (bin) NA else var(x[tt == 1]) / var(x[tt == 0]),
       var_ratio_adj = if (bin) NA else wvar(x[tt == 1], ww[tt == 1]) / wvar(x[tt == 0], ww[tt == 0]))
})
doyle <- list(
  terms = sub("^\\(Intercept\\)$", "Intercept", names(coef(f))), coef = unname(coef(f)),
  se = unname(sqrt(diag(vcov(f)))), loglik = as.numeric(logLik(f)), nobs = nobs(f),
  dropped = setdiff(seq_len(nrow(d)), used) - 1L,     # 0-based
  rows = rows - 1L, ps = ps[rows], w_ate = w[rows], w_ate_sum = sum(w[ok]), w_att = watt[rows],
  balance = balance)

# --- Fortna: peacekeeping at the ceasefire, IPW-weighted Cox model with clustered SEs --------
f <- read.dta(data_file("fortna2008", "pk_and_pkept.dta"))
f <- f[order(f$id, f$"_t0"), ]
first <- f[!duplicated(f$id), ]
last <- aggregate(cbind(time = f$"_t", event = f$"_d") ~ id, data = f, FUN = max)
s <- merge(first[, c("id", "cluster", "pk_dum", "victory", "treaty", "logdead", "wardur", "wartype")],
           last, by = "id")
s <- s[complete.cases(s), ]                           # 154 spells, 82 failures
ps <- fitted(glm(pk_dum ~ victory + treaty + logdead + wardur + wartype, family = binomial, data = s,
                 control = tight))
p1 <- mean(s$pk_dum)
s$w <- ifelse(s$pk_dum == 1, p1 / ps, (1 - p1) / (1 - ps))
naive <- coxph(Surv(time, event) ~ pk_dum, data = s, cluster = cluster)
ipw <- coxph(Surv(time, event) ~ pk_dum, data = s, weights = w, cluster = cluster)
fortna <- list(n = nrow(s), events = sum(s$event), w_sum = sum(s$w), w_first3 = s$w[1:3],
               naive_coef = unname(coef(naive)), ipw_coef = unname(coef(ipw)),
               ipw_se = unname(sqrt(diag(vcov(ipw)))), ipw_loglik = ipw$loglik[2])

writeLines(js(list(versions = versions("foreign"), doyle_sambanis = doyle, fortna_ipw = fortna)),
           out_path("causal"))
