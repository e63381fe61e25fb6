package dev.kiln.aws;

import dev.kiln.api.KilnException;
import dev.kiln.api.Retry;
import dev.kiln.spi.Cleanup;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The one place SDK failures become operator messages, and where kiln decides which failures are
 * worth another attempt (throttling, 5xx, broken connections, slow attempts).
 */
final class AwsErrors {

    private static final Set<String> CREDENTIAL_CODES = Set.of("ExpiredToken", "ExpiredTokenException",
            "RequestExpired", "InvalidClientTokenId", "UnrecognizedClientException", "AuthFailure",
            "SignatureDoesNotMatch", "InvalidAccessKeyId", "TokenRefreshRequired");
    private static final Set<String> THROTTLING_CODES = Set.of("Throttling", "ThrottlingException",
            "RequestThrottledException", "RequestLimitExceeded", "TooManyRequestsException", "SlowDown",
            "RequestThrottled", "ServiceUnavailable", "InternalError", "InternalServerException",
            "InternalFailure");

    private AwsErrors() {
    }

    /** True for a failure another attempt may cure. */
    static boolean retryable(Throwable e) {
        if (e instanceof AwsServiceException s) {
            int status = s.statusCode();
            return status >= 500 || status == 429 || THROTTLING_CODES.contains(code(s));
        }
        if (e instanceof AbortedException) {
            return false;
        }
        if (e instanceof ApiCallAttemptTimeoutException || e instanceof ApiCallTimeoutException) {
            return true;
        }
        return e instanceof SdkClientException && hasCause(e, IOException.class);
    }

    /**
     * kiln's retry classifier for AWS calls: throttling codes, 5xx, 429, slow attempts and broken connections
     * are tried again (after the server's Retry-After where it sent one); everything else fails at once.
     */
    static Retry.Decision classify(Exception e) {
        if (!retryable(e)) {
            return Retry.Decision.fail();
        }
        return Retry.Decision.againAfter(e instanceof AwsServiceException s ? code(s) : rootMessage(e), retryAfter(e));
    }

    /** As {@link #classify}, and "not found" too: a snapshot is briefly unknown right after StartSnapshot. */
    static Retry.Decision classifyOrNotFound(Exception e) {
        return notFound(e) ? Retry.Decision.again(e instanceof AwsServiceException s ? code(s) : "not found")
                : classify(e);
    }

    private static Optional<Duration> retryAfter(Exception e) {
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null
                && s.awsErrorDetails().sdkHttpResponse() != null) {
            return s.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("Retry-After")
                    .flatMap(v -> Retry.retryAfter(v, Clock.systemUTC()));
        }
        return Optional.empty();
    }

    /** True when AWS says the thing is not there (an id that is gone, a snapshot not yet visible). */
    static boolean notFound(Throwable e) {
        if (e instanceof AwsServiceException s) {
            String c = code(s);
            return s.statusCode() == 404 || c.endsWith(".NotFound") || c.equals("ResourceNotFoundException")
                    || c.equals("NoSuchKey") || c.equals("NoSuchUpload");
        }
        return false;
    }

    /**
     * True when what was to be removed is already gone: not found, or, for an AMI deregistered a moment ago
     * (by this push's earlier attempt, or by someone else), {@code InvalidAMIID.Unavailable}, which EC2 answers
     * while the image is still listed as deregistered.
     */
    static boolean gone(Throwable e) {
        return notFound(e) || e instanceof AwsServiceException s && code(s).equals("InvalidAMIID.Unavailable");
    }

    static boolean interrupted(Throwable e) {
        return e instanceof AbortedException || hasCause(e, InterruptedException.class)
                || Thread.currentThread().isInterrupted();
    }

    /** "Tried to {action} but AWS said ...; {remedy}". */
    static KilnException map(String action, RuntimeException e) {
        if (e instanceof KilnException k) {
            return k;
        }
        if (hasCause(e, AwsCredentials.MissingCredentials.class)
                || e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("Unable to load credentials")) {
            return KilnException.tried(action, "no AWS credentials were found", AwsCredentials.WHERE, e);
        }
        if (e instanceof AwsServiceException s) {
            return service(action, s);
        }
        if (e instanceof ApiCallAttemptTimeoutException || e instanceof ApiCallTimeoutException) {
            return KilnException.tried(action, "AWS did not answer in time",
                    "check the network or raise --request-timeout", e);
        }
        if (hasCause(e, IOException.class)) {
            return KilnException.tried(action, "the connection to AWS failed (" + rootMessage(e) + ")",
                    "check the network, a proxy, or --endpoint-url", e);
        }
        return KilnException.tried(action, rootMessage(e), "", e);
    }

    private static KilnException service(String action, AwsServiceException s) {
        String code = code(s);
        String said = "AWS said " + code + (message(s).isEmpty() ? "" : ": " + message(s));
        if (CREDENTIAL_CODES.contains(code)) {
            return KilnException.tried(action, said + " (the credentials are expired or not valid)",
                    "refresh them (a new session token, 'aws sso login', or another --profile); " + AwsCredentials.WHERE, s);
        }
        if (code.contains("AccessDenied") || code.equals("UnauthorizedOperation") || code.equals("Forbidden")) {
            return KilnException.tried(action, said, "grant this identity the IAM permission for that call, "
                    + "or use another --profile", s);
        }
        if (code.equals("InvalidAMIName.Duplicate")) {
            return KilnException.tried(action, said, "pass --if-exists replace or choose another --name", s);
        }
        if (THROTTLING_CODES.contains(code) || s.statusCode() == 429) {
            return KilnException.tried(action, said + " after several attempts", "try again later or lower --workers", s);
        }
        return KilnException.tried(action, said + requestId(s), "", s);
    }

    static String code(AwsServiceException s) {
        if (s.awsErrorDetails() != null && s.awsErrorDetails().errorCode() != null) {
            return s.awsErrorDetails().errorCode();
        }
        return "HTTP " + s.statusCode();
    }

    private static String message(AwsServiceException s) {
        String m = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorMessage();
        return m == null ? "" : m;
    }

    private static String requestId(AwsServiceException s) {
        return s.requestId() == null ? "" : " (request id " + s.requestId() + ")";
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Undoes what {@code cleanup} holds and returns the error to throw: the failure's message plus
     * what was cleaned. After Ctrl-C the thread's interrupt flag is set again.
     */
    static KilnException failed(String action, Throwable cause, Cleanup cleanup) {
        boolean interrupted = cause instanceof InterruptedException || interrupted(cause)
                || Thread.currentThread().isInterrupted();
        String cleaned = cleanup.undo();
        String report = cleaned.isEmpty() ? "nothing had been created" : "cleaned up: " + cleaned;
        String message;
        if (interrupted) {
            message = "Stopped while trying to " + action
                    + (cause instanceof KilnException k ? " (" + k.getMessage() + ")" : "") + "; " + report;
            Thread.currentThread().interrupt();
        } else {
            RuntimeException runtime = cause instanceof RuntimeException r ? r : new RuntimeException(cause);
            message = map(action, runtime).getMessage() + ". " + Character.toUpperCase(report.charAt(0))
                    + report.substring(1);
        }
        return new KilnException(message, cause);
    }
}
