// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Tests.Support;

/// <summary>One request a <see cref="LoopbackServer"/> received.</summary>
internal sealed record ReceivedRequest(string Method, string PathAndQuery, string? Authorization, string Body);
