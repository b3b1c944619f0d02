// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Samples.Console;

/// <summary>The test server's answer to <c>GET /api/{path}</c>.</summary>
internal sealed record Me(string User, string Path);
