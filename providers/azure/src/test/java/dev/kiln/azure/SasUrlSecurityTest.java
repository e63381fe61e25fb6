package dev.kiln.azure;

import dev.kiln.api.KilnException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The write SAS is a URL Azure's answer chose. It is taken over https (or http to a local emulator) only; the
 * page uploads carry no ARM token to it (PageProxy refuses any Put Page with an Authorization header, so every
 * AzurePushTest upload checks that too).
 */
@Tag("security")
class SasUrlSecurityTest {

    @Test
    void anHttpsSasOnAnyHostIsTakenAsAzureGaveIt() {
        assertThatCode(() -> PageUpload.checkSas("https://md-impexp-abc.z12.blob.storage.azure.net/xyz/abcd?sv=2018&sig=S"))
                .doesNotThrowAnyException();
        assertThatCode(() -> PageUpload.checkSas("http://127.0.0.1:10000/devstoreaccount1/c/disk.vhd?sig=S"))
                .doesNotThrowAnyException();
    }

    @Test
    void aPlainHttpSasToAnotherHostIsRefusedWithoutShowingItsSignature() {
        assertThatThrownBy(() -> PageUpload.checkSas("http://md-impexp.example.net/xyz/abcd?sv=2018&sig=SECRET"))
                .isInstanceOf(KilnException.class).hasMessageContaining("http://md-impexp.example.net/")
                .hasMessageContaining("not https").hasMessageNotContaining("SECRET");
        assertThatThrownBy(() -> PageUpload.checkSas("ftp://127.0.0.1/x?sig=SECRET")).isInstanceOf(KilnException.class);
    }
}
