// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.Json.Serialization;

namespace SessionKit.Browser.Internal;

/// <summary>Source-generated JSON for the stored entries and the module's start answer (no reflection, trimming-safe).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = false)]
[JsonSerializable(typeof(StoredEntry))]
internal sealed partial class BrowserJsonContext : JsonSerializerContext
{
}
