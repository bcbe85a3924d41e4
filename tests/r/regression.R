# Golden values for tests/test_regression.py and tests/test_qoi.py: glm (logit, probit,
# Poisson, with prior weights and offsets), MASS::glm.nb, lm with two-way fixed effects and
# weights, and sandwich's vcovHC / vcovCL flavours, on Doyle & Sambanis and HKS (2013).
#   Rscript tests/r/regression.R [out.json]     (from the repository root)
# Writes tests/data/regression_r.json (or the path given). Fits run to convergence
# (glm.control(epsilon = 1e-14, maxit = 100)); see the test module's docstring for why.
suppressPackageStartupMessages({library(MASS); library(sandwich)})
source("tests/r/_common.R")  # data_file(), out_path(), the JSON writer js()
tight <- glm.control(epsilon = 1e-14, maxit = 100)
named <- function(x) as.list(x)                       # {"term": [value], ...}
se <- function(v) named(sqrt(diag(v)))
res <- list(versions = versions("MASS", "sandwich"))

# --- Doyle & Sambanis (2000): peacebuilding success -------------------------------------------
d <- read.csv(data_file("doyle_sambanis2000", "peace.csv"))
f <- pbs2s3 ~ wartype + logcost + wardur + factnum + factnum2 + trnsfcap + untype4 + treaty + develop + exp + decade
m <- glm(f, family = binomial, data = d, control = tight)
mf <- model.frame(m)
nd <- data.frame(wartype = 1, logcost = mean(mf$logcost), wardur = mean(mf$wardur), factnum = 2, factnum2 = 4,
                 trnsfcap = mean(mf$trnsfcap), untype4 = c(0, 1), treaty = 0, develop = mean(mf$develop),
                 exp = mean(mf$exp), decade = 3, row.names = c("none", "multidimensional"))
res$logit <- list(nobs = nobs(m), loglik = as.numeric(logLik(m)), aic = AIC(m), bic = BIC(m),
                  deviance = deviance(m), null_deviance = m$null.deviance, coef = named(coef(m)), se = se(vcov(m)),
                  hc0 = se(vcovHC(m, type = "HC0")), hc1 = se(vcovHC(m, type = "HC1")),
                  pred = named(predict(m, nd, type = "response")), link = named(predict(m, nd, type = "link")))

p <- glm(f, family = binomial(link = "probit"), data = d, control = tight)
# Stata's probit, vce(robust): observed-information sandwich times n/(n-1)
X <- model.matrix(p); y <- p$y; eta <- p$linear.predictors; q <- 2 * y - 1
lam <- q * dnorm(q * eta) / pnorm(q * eta)
H <- crossprod(X * (lam * (lam + eta)), X); S <- X * lam
n <- nrow(X); Hi <- solve(H)
res$probit <- list(loglik = as.numeric(logLik(p)), coef = named(coef(p)), se = se(vcov(p)),
                   hc0 = se(vcovHC(p, type = "HC0")), hc1 = se(vcovHC(p, type = "HC1")),
                   stata_robust = se(n / (n - 1) * Hi %*% crossprod(S) %*% Hi))

# prior weights (non-integer: R warns about the number of successes)
wl <- suppressWarnings(glm(pbs2s3 ~ untype4 + treaty + logcost + wartype, family = binomial, data = d,
                           weights = wardur / 12, control = tight))
res$weighted_logit <- list(nobs = nobs(wl), coef = named(coef(wl)), se = se(vcov(wl)),
                           hc1 = se(vcovHC(wl, type = "HC1")), cl = se(vcovCL(wl, cluster = ~decade, type = "HC1")))

# --- Hultman, Kathman & Shannon (2013): civilian deaths --------------------------------------------
h <- read.delim(data_file("hks2013", "HKS_AJPS_2013.tab"))
fh <- osvAll ~ troopLag + policeLag + militaryobserversLag + brv_AllLag + osvAllLagDum + incomp + epduration + lntpop
po <- glm(fh, family = poisson, data = h, control = tight)
res$poisson <- list(nobs = nobs(po), loglik = as.numeric(logLik(po)), deviance = deviance(po),
                    null_deviance = po$null.deviance, coef = named(coef(po)), se = se(vcov(po)),
                    cl_hc0 = se(vcovCL(po, cluster = ~conflict_id, type = "HC0")),   # = vcovCL default for glm
                    cl_hc1 = se(vcovCL(po, cluster = ~conflict_id, type = "HC1")),
                    cl_hc0_noadj = se(vcovCL(po, cluster = ~conflict_id, type = "HC0", cadjust = FALSE)))
poo <- glm(fh, family = poisson, data = h, offset = log(epduration), control = tight)
res$poisson_offset <- list(loglik = as.numeric(logLik(poo)), coef = named(coef(poo)), se = se(vcov(poo)))

# NB2, HKS Table 1 Model 1. glm.nb(fh, data = h) stops with "NA/NaN/Inf in 'x'" (IRLS diverges
# from its default start), so start it at the NB2 optimum found by optim():
fit_nb <- function(f) {
  mf <- model.frame(f, h); X <- model.matrix(f, mf); y <- model.response(mf)
  nll <- function(p) { b <- p[-length(p)]; th <- exp(p[length(p)]); eta <- drop(X %*% b)
    mu <- exp(eta); -sum(lgamma(th + y) - lgamma(th) - lgamma(y + 1) + th * log(th) + y * eta - (th + y) * log(th + mu)) }
  gr <- function(p) { b <- p[-length(p)]; th <- exp(p[length(p)]); eta <- drop(X %*% b)
    mu <- exp(eta); -c(crossprod(X, (y - mu) * th / (th + mu)),
      th * sum(digamma(th + y) - digamma(th) + log(th) + 1 - log(th + mu) - (th + y) / (th + mu))) }
  o <- optim(c(log(mean(y)), rep(0, ncol(X) - 1), log(0.1)), nll, gr, method = "BFGS",
             control = list(maxit = 10000, reltol = 1e-14))
  glm.nb(f, data = h, start = setNames(o$par[-length(o$par)], colnames(X)),
         init.theta = exp(o$par[length(o$par)]), control = tight)
}
nb <- fit_nb(fh)
mf <- model.frame(fh, h); X <- model.matrix(fh, mf); y <- model.response(mf)
nd <- data.frame(troopLag = c(0, 8), policeLag = 0, militaryobserversLag = 0, brv_AllLag = mean(mf$brv_AllLag),
                 osvAllLagDum = 1, incomp = 2, epduration = mean(mf$epduration), lntpop = mean(mf$lntpop),
                 row.names = c("no_troops", "troops_8000"))
th <- nb$theta; mu <- fitted(nb); yy <- nb$y
# Stata's nbreg, vce(cluster): joint observed information of (b, ln alpha), ln alpha scores in the meat
cl <- h$conflict_id[as.integer(rownames(mf))]
b <- coef(nb); eta <- drop(X %*% b); mu2 <- exp(eta)
s_eta <- th * (y - mu2) / (th + mu2)
s_tau <- th * (digamma(th + y) - digamma(th) + log(th) + 1 - log(th + mu2) - (th + y) / (th + mu2))
h_eta <- -th * mu2 * (th + y) / (th + mu2)^2
h_et <- th * (y - mu2) * mu2 / (th + mu2)^2
h_th <- trigamma(y + th) - trigamma(th) + 1 / th - 1 / (th + mu2) - (mu2 - y) / (th + mu2)^2
h_tau <- s_tau + th^2 * h_th
k <- ncol(X)
Hs <- rbind(cbind(crossprod(X * h_eta, X), crossprod(X, h_et)), c(crossprod(X, h_et), sum(h_tau)))
U <- rowsum(cbind(X * s_eta, s_tau), cl); G <- nrow(U)
Hsi <- solve(-Hs)
stata <- sqrt(diag(G / (G - 1) * Hsi %*% crossprod(U) %*% Hsi))[1:k]
names(stata) <- colnames(X)
res$negbin <- list(nobs = nobs(nb), loglik = as.numeric(logLik(nb)), aic = AIC(nb), bic = BIC(nb), theta = th,
                   se_theta = nb$SE.theta,   # MASS: at theta.ml's last-but-one iterate
                   se_theta_final = 1 / sqrt(sum(-trigamma(th + yy) + trigamma(th) - 1 / th + 2 / (mu + th) -
                                                   (yy + th) / (mu + th)^2)),
                   deviance = deviance(nb), null_deviance = nb$null.deviance, coef = named(coef(nb)),
                   se = se(vcov(nb)),
                   cl_hc0_noadj = se(vcovCL(nb, cluster = ~conflict_id, type = "HC0", cadjust = FALSE)),
                   cl_hc1 = se(vcovCL(nb, cluster = ~conflict_id, type = "HC1")),
                   cl_hc0 = se(vcovCL(nb, cluster = ~conflict_id, type = "HC0")),   # = vcovCL's negbin default
                   stata_cluster = named(stata), pred = named(predict(nb, nd, type = "response")))

# HKS Model 2: troops without police and observers
nb2 <- fit_nb(osvAll ~ troopLag + brv_AllLag + osvAllLagDum + incomp + epduration + lntpop)
res$negbin_model2 <- list(nobs = nobs(nb2), coef = named(coef(nb2)))

# NB2 with prior weights and an exposure offset (glm.nb converges from its default start)
h$w <- 1 + h$incomp / 2
nbw <- suppressWarnings(glm.nb(osvAll ~ troopLag + osvAllLagDum + lntpop + offset(log(epduration)), data = h,
                               weights = w, control = tight))
res$negbin_weights <- list(nobs = nobs(nbw), theta = nbw$theta, loglik = as.numeric(logLik(nbw)),
                           coef = named(coef(nbw)), se = se(vcov(nbw)),
                           cl = se(vcovCL(nbw, cluster = ~conflict_id, type = "HC1")))

# OLS with conflict and year fixed effects; weighted least squares
h$ly <- log1p(h$osvAll)
slopes <- c("troopLag", "policeLag", "militaryobserversLag", "brv_AllLag", "osvAllLagDum", "epduration", "lntpop")
ols <- lm(ly ~ troopLag + policeLag + militaryobserversLag + brv_AllLag + osvAllLagDum + epduration + lntpop +
          factor(conflict_id) + factor(year), data = h)
sl <- function(v) named(sqrt(diag(v))[slopes])
res$ols_fe <- list(nobs = nobs(ols), rank = ols$rank, df_resid = ols$df.residual, r2 = summary(ols)$r.squared,
                   adj_r2 = summary(ols)$adj.r.squared, sigma = summary(ols)$sigma,
                   loglik = as.numeric(logLik(ols)), coef = named(coef(ols)[slopes]), se = sl(vcov(ols)),
                   cl_hc1 = sl(vcovCL(ols, cluster = ~conflict_id, type = "HC1")),   # = vcovCL() default for lm
                   cl_hc0 = sl(vcovCL(ols, cluster = ~conflict_id, type = "HC0")),   # G/(G-1) only
                   hc1 = sl(vcovHC(ols, type = "HC1")))
wls <- lm(ly ~ troopLag + policeLag + brv_AllLag + lntpop, data = h, weights = epduration)
res$wls <- list(nobs = nobs(wls), r2 = summary(wls)$r.squared, coef = named(coef(wls)), se = se(vcov(wls)),
                hc1 = se(vcovHC(wls, type = "HC1")), cl_hc1 = se(vcovCL(wls, cluster = ~conflict_id)))

writeLines(js(res), out_path("regression"))
