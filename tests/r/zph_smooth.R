# Golden values for tests/test_zph.py: the smooth and band that plot(cox.zph(f)[1]) draws
# (natural spline, df = 4, +/- 2 SE; plot.cox.zph's own computation) for the full Breslow
# model of cox_fortna.R.
#   Rscript tests/r/zph_smooth.R [out.json]     (from the repository root)
# Writes tests/data/zph_smooth_r.json (or the path given).
suppressPackageStartupMessages({library(survival); library(foreign); library(splines)})
source("tests/r/_common.R")  # data_file(), out_path(), the JSON writer js()
d <- read.dta(data_file("fortna2008", "pk_and_pkept.dta"))
d$st_t0 <- d[["_t0"]]; d$st_t <- d[["_t"]]; d$st_d <- d[["_d"]]
f <- coxph(Surv(st_t0, st_t, st_d) ~ pk_dum + victory + treaty + wardur + logdead + wartype,
           data = d, ties = "breslow", cluster = cluster)
z <- cox.zph(f); xx <- z$x; yy <- z$y[, "pk_dum"]
pred.x <- seq(min(xx), max(xx), length = 40)
lmat <- ns(c(pred.x, xx), df = 4, intercept = TRUE)
pmat <- lmat[1:40, ]; xmat <- lmat[-(1:40), ]; qmat <- qr(xmat)
yhat <- pmat %*% qr.coef(qmat, yy)
bk <- backsolve(qmat$qr[1:4, 1:4], diag(4)); xtx <- bk %*% t(bk)
seval <- ((pmat %*% xtx) * pmat) %*% rep(1, 4)
band <- 2 * sqrt(z$var[1, 1] * seval)
at <- c(1, 10, 20, 30, 40)
writeLines(js(list(versions = versions("foreign"), term = "pk_dum", at = at - 1L, grid = pred.x[at],
                   fit = yhat[at], band = band[at])),
           out_path("zph_smooth"))
