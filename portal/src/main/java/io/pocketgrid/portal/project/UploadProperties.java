package io.pocketgrid.portal.project;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Size limits of owner uploads ({@code pocketgrid.upload.*}). The multipart limits in
 * application.properties must be at least as large; uploads stream to disk, never whole into memory.
 */
@ConfigurationProperties("pocketgrid.upload")
public record UploadProperties(@DefaultValue("52428800") long maxModelBytes,
                               @DefaultValue("2147483648") long maxInputBytes) {
}
