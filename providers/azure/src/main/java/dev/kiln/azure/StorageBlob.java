package dev.kiln.azure;

import com.azure.core.util.Context;
import com.azure.resourcemanager.storage.fluent.models.StorageAccountInner;
import com.azure.resourcemanager.storage.models.StorageAccountKey;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlobType;
import com.azure.storage.blob.models.PageRangeItem;
import com.azure.storage.blob.specialized.PageBlobClient;
import com.azure.storage.common.StorageSharedKeyCredential;
import dev.kiln.api.Extent;
import dev.kiln.api.KilnException;
import dev.kiln.api.Retry;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code push azure --storage-account/--container}: the VHD as a page blob in the user's own storage account, named
 * {@code NAME-<digest>.vhd} so concurrent pushes of different images never meet and a push of the same image finds
 * what an earlier, failed one sent (Get Page Ranges) and sends only the rest. The account's blob endpoint and key
 * come from ARM, as {@code az storage} does without {@code --account-key}.
 */
final class StorageBlob {

    private static final Pattern ACCOUNT_ID = Pattern.compile(
            "(?i)/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\\.Storage/storageAccounts/([^/]+)");

    private final PageBlobClient blob;
    private final String accountId;
    private final String account;
    private final String container;
    private final String name;

    private StorageBlob(PageBlobClient blob, String accountId, String account, String container, String name) {
        this.blob = blob;
        this.accountId = accountId;
        this.account = account;
        this.container = container;
        this.name = name;
    }

    /** The blob's name for an image: {@code NAME-<digest>.vhd}, the digest's ':' made '-'. */
    static String blobName(String image, String digest) {
        return AzurePush.names(image) + "-" + digest.replaceAll("[^A-Za-z0-9_.-]", "-") + ".vhd";
    }

    /**
     * @param accountArg the account's name (in --resource-group) or its full resource id
     */
    static StorageBlob open(AzureConnection azure, Retry calls, String accountArg, String container, String name)
            throws InterruptedException {
        String group = azure.resourceGroup();
        String account = accountArg;
        Matcher id = ACCOUNT_ID.matcher(accountArg);
        if (id.matches()) {
            if (!id.group(1).equalsIgnoreCase(azure.subscription())) {
                throw KilnException.usage("--storage-account " + accountArg + " is in subscription " + id.group(1)
                        + ", not " + azure.subscription() + "; pass an account of the push's subscription");
            }
            group = id.group(2);
            account = id.group(3);
        }
        String g = group;
        String a = account;
        StorageAccountInner found;
        try {
            found = calls.call("get storage account " + a,
                    () -> azure.storage().getStorageAccounts().getByResourceGroup(g, a));
        } catch (RuntimeException e) {
            if (AzureErrors.notFound(e)) {
                throw KilnException.usage("storage account " + a + " was not found in resource group " + g
                        + "; pass --storage-account NAME of an existing account (or its full resource id)");
            }
            throw e;
        }
        String endpoint = found.primaryEndpoints() == null ? null : found.primaryEndpoints().blob();
        if (endpoint == null || endpoint.isBlank()) {
            throw KilnException.tried("upload to storage account " + a, "it has no blob endpoint",
                    "pass a general-purpose v2 account (kind StorageV2)");
        }
        checkEndpoint(endpoint, a);
        String key;
        try {
            key = calls.call("list the keys of storage account " + a,
                            () -> azure.storage().getStorageAccounts().listKeys(g, a)).keys().stream()
                    .map(StorageAccountKey::value).filter(Objects::nonNull).findFirst().orElse(null);
        } catch (RuntimeException e) {
            if (e instanceof com.azure.core.exception.HttpResponseException h && h.getResponse() != null
                    && h.getResponse().getStatusCode() == 403) {
                throw KilnException.tried("list the keys of storage account " + a, AzureErrors.reason(e),
                        "the signed-in principal needs Microsoft.Storage/storageAccounts/listKeys/action on it "
                                + "(Contributor or Storage Account Key Operator Service Role)", e);
            }
            throw e;
        }
        if (key == null) {
            throw KilnException.tried("list the keys of storage account " + a, "ARM returned no key",
                    "check that shared-key access is allowed on the account (allowSharedKeyAccess)");
        }
        PageBlobClient blob = new BlobServiceClientBuilder().endpoint(endpoint).httpClient(azure.http())
                .credential(new StorageSharedKeyCredential(a, key)).retryOptions(PageUpload.oneTry())
                .buildClient().getBlobContainerClient(container).getBlobClient(name).getPageBlobClient();
        return new StorageBlob(blob, found.id() != null ? found.id() : "/subscriptions/"
                + azure.subscription() + "/resourceGroups/" + g + "/providers/Microsoft.Storage/storageAccounts/" + a, a, container, name);
    }

    /** The account key goes over https only, or plain http to this machine's loopback (a local emulator). */
    private static void checkEndpoint(String endpoint, String account) {
        URI uri = URI.create(endpoint);
        String host = String.valueOf(uri.getHost());
        boolean loopback = host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]");
        if (!"https".equalsIgnoreCase(uri.getScheme()) && !("http".equalsIgnoreCase(uri.getScheme()) && loopback)) {
            throw KilnException.tried("upload to storage account " + account, "its blob endpoint " + endpoint
                    + " is not https", "nothing was sent; require secure transfer on the account");
        }
    }

    /**
     * Makes the page blob of {@code size} bytes (If-None-Match: *, so it never overwrites), or finds the one an
     * earlier push of the same image left; returns the ranges it holds already (merged), empty for a new blob.
     */
    List<Extent> prepare(Retry calls, long size, Map<String, String> metadata) throws InterruptedException {
        try {
            calls.call("create page blob " + name, () -> blob.createWithResponse(size, 0L, null, metadata,
                    new BlobRequestConditions().setIfNoneMatch("*"), null, Context.NONE));
            return List.of();
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                throw KilnException.usage("container " + container + " does not exist in storage account " + account
                        + "; create it with 'az storage container create --account-name " + account + " -n "
                        + container + "' or pass another --container");
            }
            if (e.getStatusCode() != 409) {
                throw e;
            }
        }
        BlobProperties there = calls.call("get blob " + name, blob::getProperties);
        if (there.getBlobType() != BlobType.PAGE_BLOB || there.getBlobSize() != size) {
            throw KilnException.tried("upload " + name, "a " + there.getBlobType() + " of that name holding "
                    + there.getBlobSize() + " bytes is there, not a " + size + "-byte page blob",
                    "delete it with '" + deleteCommand() + "' and push again");
        }
        List<Extent> present = calls.call("get page ranges of " + name, () -> {
            List<Extent> out = new ArrayList<>();
            for (PageRangeItem r : blob.listPageRanges(new BlobRange(0))) {
                if (!r.isClear()) {
                    out.add(new Extent(r.getRange().getOffset(), r.getRange().getLength()));
                }
            }
            return out;
        });
        return PageUpload.merge(present);
    }

    PageBlobClient client() {
        return blob;
    }

    /** The blob's URL, no query: what an image or gallery version is made from. */
    String uri() {
        return blob.getBlobUrl();
    }

    String accountId() {
        return accountId;
    }

    String describe() {
        return "blob " + name + " in " + account + "/" + container;
    }

    String deleteCommand() {
        return "az storage blob delete --account-name " + account + " -c " + container + " -n " + name;
    }

    void delete(Retry calls) throws InterruptedException {
        calls.call("delete blob " + name, blob::deleteIfExists);
    }
}
