package dev.kiln.rootfs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.config.ConfigParser;
import dev.kiln.config.ImageConfig;
import dev.kiln.config.ImageSpec;
import dev.kiln.config.KilnConfig;
import dev.kiln.config.MountSpec;
import dev.kiln.oci.LocalImage;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one OCI bundle under {@code containers/SECTION/NAME} as LinuxKit's ImageBundle does:
 * config.json, the image filesystem in {@code rootfs/} (readonly) or in {@code lower/} with empty
 * {@code tmp/} and {@code rootfs/} for an overlay, and runtime.json with the mounts that build
 * {@code rootfs}. An image already extracted for an earlier bundle is not extracted again; the
 * bundle mounts the first copy. Entries are written in name order.
 */
final class BundleWriter {

    static final String LABEL = "org.mobyproject.config";

    private final ImageResolver images;
    private final OciSpecGenerator oci;
    private final KilnConfig config;
    private final Map<String, String> extracted = new HashMap<>();

    BundleWriter(ImageResolver images, OciSpecGenerator oci, KilnConfig config) {
        this.images = images;
        this.oci = oci;
        this.config = config;
    }

    void write(ImageSpec spec, String section, int index, String dirName, RootfsWriter out) throws IOException {
        String location = section + "[" + index + "]";
        String where = location + " (" + spec.name() + ")";
        LocalImage image = images.resolve(spec.image(), where);
        String source = image.reference();
        ImageConfig label = label(image);
        ImageConfig yaml = VolumeBinds.resolve(spec.config(), config, where);
        OciSpecGenerator.Result result = oci.generate(yaml, label, image.config(), where);
        String prefix = "containers/" + section + "/" + dirName;
        out.directories(prefix, source, location);
        out.write(TarEntry.file(prefix + "/config.json", 0644, 0), GoJson.bytes(result.spec()), source, location);
        String root = extracted.get(source);
        boolean elsewhere = root != null;
        if (!elsewhere) {
            root = prefix + (result.readonly() ? "/rootfs" : "/lower");
            try (FlatImage flat = images.flatten(image)) {
                ContainerFilter.apply(flat, false);
                ImageTreeWriter.write(flat, root, out, source, location, "image " + source);
            }
            extracted.put(source, root);
        }
        List<MountSpec> mounts;
        if (!result.readonly()) {
            dir(out, prefix + "/rootfs", source, location);
            String tmp = "/" + prefix + "/tmp";
            mounts = List.of(new MountSpec(tmp, "tmpfs", "tmpfs", List.of()),
                    new MountSpec(tmp, null, null, List.of("remount", "private")),
                    new MountSpec("/" + prefix + "/rootfs", "overlay", "overlay", List.of("lowerdir=/" + root,
                            "upperdir=" + tmp + "/upper", "workdir=" + tmp + "/work")));
        } else {
            if (elsewhere) {
                dir(out, prefix + "/rootfs", source, location);
            }
            mounts = List.of(new MountSpec("/" + prefix + "/rootfs", null, "/" + root, List.of("bind")));
        }
        ObjectNode runtime = RuntimeJson.build(label.runtime(), yaml.runtime(), mounts);
        out.write(TarEntry.file(prefix + "/runtime.json", 0644, 0), GoJson.bytes(runtime), source, location);
        if (!result.readonly()) {
            dir(out, prefix + "/tmp", source, location);
        }
    }

    private static ImageConfig label(LocalImage image) {
        String text = image.config().path("config").path("Labels").path(LABEL).asText("");
        return text.isEmpty() ? ImageConfig.EMPTY : ConfigParser.parseLabel(image.reference(), text);
    }

    private static void dir(RootfsWriter out, String name, String source, String location) throws IOException {
        out.write(TarEntry.dir(name, 0755), InputStream.nullInputStream(), source, location);
    }
}
