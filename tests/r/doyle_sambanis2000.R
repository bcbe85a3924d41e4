# Golden values for tests/test_report_doyle_sambanis2000.py: the report's logit (glm with its
# default control, as the report compares with), predicted probabilities at the means of the
# estimation sample, and the mission-type model.
#   Rscript tests/r/doyle_sambanis2000.R [out.json]     (from the repository root)
# Writes tests/data/doyle_sambanis2000_r.json (or the path given).
source("tests/r/_common.R")  # data_file(), out_path(), the JSON writer js()
d <- read.csv(data_file("doyle_sambanis2000", "peace.csv"))
fit <- glm(pbs2s3 ~ wartype + logcost + wardur + factnum + factnum2 + trnsfcap + untype4 + treaty +
           develop + exp + decade, family = binomial, data = d)
# predicted probabilities with the other covariates at their means in the estimation sample
mf <- model.frame(fit)
at <- as.data.frame(t(colMeans(mf[, -1])))
at0 <- at; at0$untype4 <- 0; at1 <- at; at1$untype4 <- 1
fit2 <- glm(pbs2s3 ~ untype2 + untype3 + untype4 + untype5 + wartype + logcost + wardur + factnum +
            factnum2 + trnsfcap + treaty + develop + exp + decade, family = binomial, data = d)
writeLines(js(list(versions = list(R = R.version.string),
                   logit = list(terms = sub("^\\(Intercept\\)$", "Intercept", names(coef(fit))),
                                coef = unname(coef(fit)), se = unname(sqrt(diag(vcov(fit)))), nobs = nobs(fit),
                                loglik = as.numeric(logLik(fit)),
                                pred_at_means = unname(predict(fit, newdata = rbind(at0, at1), type = "response"))),
                   types = as.list(coef(fit2)[2:5]))),
           out_path("doyle_sambanis2000"))
