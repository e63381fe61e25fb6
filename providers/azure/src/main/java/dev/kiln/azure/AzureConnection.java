package dev.kiln.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.resourcemanager.compute.fluent.ComputeManagementClient;
import com.azure.resourcemanager.compute.implementation.ComputeManagementClientBuilder;
import com.azure.resourcemanager.network.fluent.NetworkManagementClient;
import com.azure.resourcemanager.network.implementation.NetworkManagementClientBuilder;
import com.azure.resourcemanager.storage.fluent.StorageManagementClient;
import com.azure.resourcemanager.storage.implementation.StorageManagementClientBuilder;
import dev.kiln.api.KilnException;
import dev.kiln.api.Tls;
import dev.kiln.spi.Options;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One command's way to Azure: the JDK HTTP client (optionally trusting one more CA), a token credential in the
 * order {@code DefaultAzureCredential} tries them (an env service principal first), and the generated compute
 * client on ARM. Retries are kiln's: the pipeline itself tries each request once.
 */
record AzureConnection(HttpClient http, ComputeManagementClient compute, NetworkManagementClient network,
                       StorageManagementClient storage, String subscription, String resourceGroup, String location) {

    /** Where a command works: checked before any call, so a dry run can say it too. */
    record Place(String subscription, String resourceGroup, String location) {

        static Place of(Options options, String command) {
            return new Place(options.find(AzureOptions.SUBSCRIPTION).orElseThrow(() -> KilnException.usage(
                    command + " needs a subscription: pass --subscription or set AZURE_SUBSCRIPTION_ID")),
                    options.find(AzureOptions.RESOURCE_GROUP).orElseThrow(() -> KilnException.usage(
                            command + " needs a resource group: pass --resource-group or set AZURE_RESOURCE_GROUP")),
                    options.find(AzureOptions.LOCATION).orElseThrow(() -> KilnException.usage(
                            command + " needs a location: pass --location or set AZURE_LOCATION")));
        }
    }

    static AzureConnection open(Options options, Map<String, String> env) {
        return open(options, env, "push azure");
    }

    static AzureConnection open(Options options, Map<String, String> env, String command) {
        Place place = Place.of(options, command);
        String subscription = place.subscription();
        String group = place.resourceGroup();
        String location = place.location();
        String arm = slash(options.require(AzureOptions.ARM_ENDPOINT));
        String authority = slash(options.require(AzureOptions.AUTHORITY));
        HttpClient http = httpClient(options.path(AzureOptions.CA_CERT));
        TokenCredential credential = credential(env, authority, http);
        signIn(credential, arm);
        HttpPipeline pipeline = new HttpPipelineBuilder().httpClient(http)
                .policies(new BearerTokenAuthenticationPolicy(credential, arm + ".default")).build();
        Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
        endpoints.put("resourceManagerEndpointUrl", arm);
        endpoints.put("activeDirectoryEndpointUrl", authority);
        AzureProfile profile = new AzureProfile(env.get("AZURE_TENANT_ID"), subscription, new AzureEnvironment(endpoints));
        // the generated client itself, so kiln sets how often long-running operations are polled
        ComputeManagementClient compute = new ComputeManagementClientBuilder().pipeline(pipeline)
                .endpoint(arm).environment(profile.getEnvironment()).subscriptionId(subscription)
                .defaultPollInterval(options.duration(AzureOptions.POLL).orElse(Duration.ofSeconds(5))).buildClient();
        NetworkManagementClient network = new NetworkManagementClientBuilder().pipeline(pipeline)
                .endpoint(arm).environment(profile.getEnvironment()).subscriptionId(subscription)
                .defaultPollInterval(options.duration(AzureOptions.POLL).orElse(Duration.ofSeconds(5))).buildClient();
        // storage accounts (push --storage-account): the account's blob endpoint and its key
        StorageManagementClient storage = new StorageManagementClientBuilder().pipeline(pipeline)
                .endpoint(arm).environment(profile.getEnvironment()).subscriptionId(subscription)
                .defaultPollInterval(options.duration(AzureOptions.POLL).orElse(Duration.ofSeconds(5))).buildClient();
        return new AzureConnection(http, compute, network, storage, subscription, group, location);
    }

    /** An env service principal (the first thing DefaultAzureCredential tries), else the whole default chain. */
    private static TokenCredential credential(Map<String, String> env, String authority, HttpClient http) {
        String client = env.get("AZURE_CLIENT_ID");
        String secret = env.get("AZURE_CLIENT_SECRET");
        String tenant = env.get("AZURE_TENANT_ID");
        if (client != null && secret != null && tenant != null) {
            return new ClientSecretCredentialBuilder().clientId(client).clientSecret(secret).tenantId(tenant)
                    .authorityHost(authority).httpClient(http).disableInstanceDiscovery().build();
        }
        // the chain reads the command's environment (workload identity, managed identity endpoints), not the JVM's
        com.azure.core.util.Configuration config = new com.azure.core.util.ConfigurationBuilder(
                path -> Map.of(), path -> Map.of(), path -> env).build();
        DefaultAzureCredentialBuilder chain = new DefaultAzureCredentialBuilder().authorityHost(authority)
                .httpClient(http).configuration(config);
        if (tenant != null) {
            chain.tenantId(tenant);
        }
        return chain.build();
    }

    static final String CREDENTIAL_HELP = "set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (a service "
            + "principal), use workload identity (AZURE_FEDERATED_TOKEN_FILE) or a managed identity, or run 'az login'";

    /** Gets a token once, so missing or wrong credentials fail before anything is made, saying where they go. */
    private static void signIn(TokenCredential credential, String arm) {
        try {
            if (credential.getTokenSync(new com.azure.core.credential.TokenRequestContext().addScopes(arm + ".default"))
                    == null) {
                throw new IllegalStateException("no token");
            }
        } catch (RuntimeException e) {
            throw KilnException.tried("sign in to Azure", firstLine(e.getMessage()), CREDENTIAL_HELP, e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no credential was found";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static HttpClient httpClient(Optional<Path> caCert) {
        java.net.http.HttpClient.Builder jdk = java.net.http.HttpClient.newBuilder();
        caCert.ifPresent(pem -> jdk.sslContext(trusting(pem)));
        return new JdkHttpClientBuilder(jdk).connectionTimeout(Duration.ofSeconds(30)).build();
    }

    /** The JDK's trusted CAs plus the one(s) in {@code pem}. */
    private static SSLContext trusting(Path pem) {
        try {
            return Tls.trusting(pem);
        } catch (IOException | GeneralSecurityException e) {
            throw KilnException.usage("cannot read the certificate in " + pem + ": " + e.getMessage());
        }
    }

    private static String slash(String url) {
        return url.endsWith("/") ? url : url + "/";
    }

    String diskId(String name) {
        return groupId() + "/providers/Microsoft.Compute/disks/" + name;
    }

    String id(String provider, String type, String name) {
        return groupId() + "/providers/" + provider + "/" + type + "/" + name;
    }

    String groupId() {
        return "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup;
    }
}
