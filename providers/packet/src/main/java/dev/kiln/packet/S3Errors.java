package dev.kiln.packet;

import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** S3 failures in a few words for an operator: the service's code and status, or the client's message. */
final class S3Errors {

    private S3Errors() {
    }

    static String describe(Throwable t) {
        if (t instanceof AwsServiceException s && s.awsErrorDetails() != null) {
            return "the store answered " + s.statusCode() + " " + s.awsErrorDetails().errorCode()
                    + (s.awsErrorDetails().errorMessage() == null ? "" : " (" + s.awsErrorDetails().errorMessage() + ")");
        }
        return t.getMessage();
    }
}
