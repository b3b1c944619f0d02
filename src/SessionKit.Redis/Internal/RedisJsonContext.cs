// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.Json.Serialization;

namespace SessionKit.Redis.Internal;

/// <summary>Source-generated JSON for the encrypted payloads (no reflection, trimming-safe).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = false)]
[JsonSerializable(typeof(StoredSession))]
[JsonSerializable(typeof(StoredEnd))]
internal sealed partial class RedisJsonContext : JsonSerializerContext
{
}
