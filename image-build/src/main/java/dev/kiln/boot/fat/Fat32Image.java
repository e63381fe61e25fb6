package dev.kiln.boot.fat;

import dev.kiln.boot.io.ByteSink;
import dev.kiln.boot.io.Content;

import java.io.IOException;

/** A planned FAT32 volume as content, for a partition or a file inside an ISO9660 volume. */
public record Fat32Image(Fat32Layout layout) implements Content {

    @Override
    public long size() {
        return layout.sizeBytes();
    }

    @Override
    public void writeTo(ByteSink sink) throws IOException {
        Fat32Writer.write(layout, sink);
    }
}
