package dev.kiln.vcenter;

import dev.kiln.api.BootMode;
import dev.kiln.api.KilnException;

import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes an OVF descriptor deployable as vSphere reads it: the firmware ({@code efi} when the image boots with
 * UEFI, else {@code bios}) as a {@code vmw:Config firmware} entry, the virtual hardware version ({@code vmx-N},
 * chosen with {@code --hw-version} or kept), and a generic Linux guest type that this hardware version knows:
 * {@code other5xLinux64Guest} needs vmx-18 (vSphere 7.0 U1), {@code other4xLinux64Guest} vmx-14 (6.7),
 * {@code other3xLinux64Guest} vmx-13 (6.5). A guest type other than the generic Linux ones is left as it is.
 */
final class OvfTuning {

    private static final Pattern OS_TYPE = Pattern.compile("vmw:osType=\"([^\"]*)\"");
    private static final Pattern HW = Pattern.compile("<vssd:VirtualSystemType>vmx-(\\d+)</vssd:VirtualSystemType>");
    private static final Pattern FIRMWARE = Pattern.compile("\\s*<vmw:Config[^>]*vmw:key=\"firmware\"[^>]*/>");
    private static final Pattern GENERIC = Pattern.compile("other(\\dx)?Linux(64)?Guest");

    private OvfTuning() {
    }

    static String guestFor(int hw) {
        return hw >= 18 ? "other5xLinux64Guest" : hw >= 14 ? "other4xLinux64Guest" : hw >= 13 ? "other3xLinux64Guest"
                : "otherLinux64Guest";
    }

    static String firmware(Set<BootMode> modes) {
        return modes.contains(BootMode.UEFI) ? "efi" : "bios";
    }

    private static final Pattern FIRMWARE_VALUE = Pattern.compile(
            "<vmw:Config[^>]*vmw:key=\"firmware\"[^>]*vmw:value=\"([^\"]*)\"|<vmw:Config[^>]*vmw:value=\"([^\"]*)\""
                    + "[^>]*vmw:key=\"firmware\"");

    /** The firmware an OVF descriptor declares ({@code efi}, {@code bios}), if any. */
    static java.util.Optional<String> declaredFirmware(String ovf) {
        Matcher m = FIRMWARE_VALUE.matcher(ovf);
        return m.find() ? java.util.Optional.of(m.group(1) != null ? m.group(1) : m.group(2)) : java.util.Optional.empty();
    }

    static String tune(String ovf, Set<BootMode> modes, OptionalInt hwVersion) {
        String out = ovf;
        Matcher hw = HW.matcher(out);
        int version;
        if (hwVersion.isPresent()) {
            version = hwVersion.getAsInt();
            if (version < 7 || version > 30) {
                throw KilnException.usage("--hw-version must be a vSphere virtual hardware version such as 13 (ESXi 6.5)"
                        + " or 19 (7.0 U2), not " + version);
            }
            out = hw.find() ? hw.replaceFirst("<vssd:VirtualSystemType>vmx-" + version + "</vssd:VirtualSystemType>")
                    : out;
        } else {
            version = hw.find() ? Integer.parseInt(hw.group(1)) : 13;
        }
        Matcher os = OS_TYPE.matcher(out);
        if (os.find() && GENERIC.matcher(os.group(1)).matches()) {
            out = os.replaceFirst("vmw:osType=\"" + guestFor(version) + "\"");
        }
        out = FIRMWARE.matcher(out).replaceAll("");
        int end = out.indexOf("</VirtualHardwareSection>");
        if (end >= 0) {
            int lineStart = out.lastIndexOf('\n', end) + 1;
            String indent = out.substring(lineStart, end).isBlank() ? out.substring(lineStart, end) : "";
            out = out.substring(0, end) + "  <vmw:Config ovf:required=\"false\" vmw:key=\"firmware\" vmw:value=\""
                    + firmware(modes) + "\"/>\n" + indent + out.substring(end);
        }
        return out;
    }
}
