"""Storage connectors for the code wiki (issue 14): fetch a repository tree from a local root,
git, S3 and its Chinese-cloud cousins (OSS, COS, OBS), WebDAV or SFTP."""
