package dev.kiln.openstack;

import java.util.Optional;

/**
 * Where and how to sign in: one cloud of clouds.yaml or the OS_* variables, resolved. {@code toString} never shows
 * the password, token or secret.
 *
 * @param method   {@code password}, {@code token} or {@code application_credential}
 * @param origin   where the settings came from, for messages ("cloud 'lab' of ~/.config/openstack/clouds.yaml")
 */
record CloudAuth(String authUrl, String method, Optional<String> username, Optional<String> userId,
                 Optional<String> password, Optional<String> userDomainName, Optional<String> userDomainId,
                 Optional<String> projectName, Optional<String> projectId, Optional<String> projectDomainName,
                 Optional<String> projectDomainId, Optional<String> token, Optional<String> appCredentialId,
                 Optional<String> appCredentialName, Optional<String> appCredentialSecret, Optional<String> region,
                 String endpointInterface, Optional<String> cacert, boolean insecure, String origin) {

    static final String PASSWORD = "password";
    static final String TOKEN = "token";
    static final String APPLICATION_CREDENTIAL = "application_credential";

    /** The Keystone v3 base, whether the settings named it with or without {@code /v3}. */
    String identityV3() {
        String url = authUrl.endsWith("/") ? authUrl.substring(0, authUrl.length() - 1) : authUrl;
        return url.endsWith("/v3") ? url : url + "/v3";
    }

    CloudAuth withRegion(String value) {
        return new CloudAuth(authUrl, method, username, userId, password, userDomainName, userDomainId, projectName,
                projectId, projectDomainName, projectDomainId, token, appCredentialId, appCredentialName,
                appCredentialSecret, Optional.of(value), endpointInterface, cacert, insecure, origin);
    }

    CloudAuth withInterface(String value) {
        return new CloudAuth(authUrl, method, username, userId, password, userDomainName, userDomainId, projectName,
                projectId, projectDomainName, projectDomainId, token, appCredentialId, appCredentialName,
                appCredentialSecret, region, value, cacert, insecure, origin);
    }

    CloudAuth withTls(Optional<String> caFile, boolean skipVerify) {
        return new CloudAuth(authUrl, method, username, userId, password, userDomainName, userDomainId, projectName,
                projectId, projectDomainName, projectDomainId, token, appCredentialId, appCredentialName,
                appCredentialSecret, region, endpointInterface, caFile, skipVerify, origin);
    }

    @Override
    public String toString() {
        return "CloudAuth[" + method + " at " + authUrl + " as " + username.or(() -> userId).or(() -> appCredentialId)
                .orElse("(token)") + " project " + projectName.or(() -> projectId).orElse("-") + " region "
                + region.orElse("-") + " interface " + endpointInterface + " from " + origin + "]";
    }
}
