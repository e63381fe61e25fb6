package dev.kiln.aws;

import software.amazon.awssdk.services.sts.StsClient;

/**
 * STS {@code GetCallerIdentity}: proves the credentials work before anything is uploaded, and
 * names the account (for messages and launch permissions).
 */
final class CallerIdentity {

    private final StsClient sts;

    CallerIdentity(StsClient sts) {
        this.sts = sts;
    }

    /** @return the account id */
    String account() {
        try {
            return sts.getCallerIdentity().account();
        } catch (RuntimeException e) {
            throw AwsErrors.map("check the AWS credentials", e);
        }
    }
}
