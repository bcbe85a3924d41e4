# Golden values for tests/test_faults_scale.py: models with a covariate of 1e8 plus noise.
#   Rscript tests/r/scale_1e8.R [out.json]     (from the repository root)
# Writes tests/data/scale_1e8_r.json (R's fits; or the path given) and, beside it,
# scale_1e8.csv (the seeded data the fits read). R 4.x with survival.
suppressPackageStartupMessages(library(survival))
source("tests/r/_common.R")  # out_path()
out_file <- out_path("scale_1e8")
set.seed(20261201)
n <- 300
z <- rnorm(n)
d <- data.frame(
  xb  = 1e8 + z,          # badly scaled: the noise is 1e-8 of the level
  xw  = 1e8 + 100 * z,    # noise 1e-6 of the level: R's lm (tol = 1e-7) still fits it
  y   = rbinom(n, 1, plogis(-0.3 + 0.8 * z)),
  cnt = rpois(n, exp(0.5 + 0.4 * z)),
  t   = rweibull(n, shape = 1.3, scale = exp(2 + 0.5 * z)),
  e   = rbinom(n, 1, 0.75)
)
here <- dirname(out_file)
write.csv(format(d, digits = 17), file.path(here, "scale_1e8.csv"), row.names = FALSE, quote = FALSE)
d <- read.csv(file.path(here, "scale_1e8.csv"))  # fit exactly the numbers the tests read
out <- function(fit, vc = vcov(fit)) list(coef = unname(coef(fit)), se = unname(sqrt(diag(vc))))
lm_b <- lm(t ~ xb, data = d)
sr <- survreg(Surv(t, e) ~ xb, data = d, dist = "weibull")
# As in test_regression.py, glm runs to convergence (epsilon = 1e-14; it warns that the deviance
# stops improving): with the default epsilon = 1e-8 it stops one IRLS step early and its standard
# errors differ in the 5th digit. The default control fits xb too (glm's QR tolerance is
# min(1e-7, epsilon / 1000) = 1e-11); lm's is 1e-7, so lm aliases xb (NA) but fits xw.
tight <- glm.control(epsilon = 1e-14, maxit = 100)
res <- list(
  logit   = out(suppressWarnings(glm(y ~ xb, family = binomial, data = d, control = tight))),
  poisson = out(suppressWarnings(glm(cnt ~ xb, family = poisson, data = d, control = tight))),
  glm_default_fits = !anyNA(coef(glm(y ~ xb, family = binomial, data = d))) &&
    !anyNA(coef(glm(cnt ~ xb, family = poisson, data = d))),
  ols_xw  = out(lm(t ~ xw, data = d)),
  ols_xb_aliased = is.na(coef(lm_b)[["xb"]]),
  survreg = list(coef = unname(c(coef(sr), log(sr$scale))), se = unname(sqrt(diag(vcov(sr))))),
  r_version = R.version.string,
  survival_version = as.character(packageVersion("survival"))
)
# this fixture's own flat writer (scalars as true/false and "text", not arrays as in _common.R's js)
js_flat <- function(x) {
  if (is.list(x)) return(paste0("{", paste0('"', names(x), '": ', vapply(x, js_flat, ""), collapse = ", "), "}"))
  if (is.character(x)) return(paste0('"', x, '"'))
  if (is.logical(x)) return(tolower(as.character(x)))
  paste0("[", paste(sprintf("%.17g", x), collapse = ", "), "]")
}
writeLines(js_flat(res), out_file)
