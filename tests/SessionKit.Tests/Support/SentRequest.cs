// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Tests.Support;

/// <summary>One request a <see cref="ScriptedHandler"/> received.</summary>
internal sealed record SentRequest(HttpMethod Method, Uri Uri, string? Authorization, string? Body);
