// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Tests.Support;

namespace SessionKit.Tests;

/// <summary>
/// Each invariant of the design (README, "Design invariants") is proved by named tests. This fixture keeps the map true: every
/// named test exists in the test sources, and the README lists every one of them under its invariant.
/// </summary>
[TestFixture]
public sealed class DesignInvariantTests
{
    /// <summary>Invariant number → the tests that prove it (in any test project under tests/).</summary>
    private static readonly Dictionary<int, string[]> Proofs = new()
    {
        [1] =
        [
            "RefreshAsync_StressManyThreadsManyRotations_NeverTwoInFlightAndEachTokenSentOnce",
            "RefreshAsync_ManyCoordinatorsShareAStore_NeverTwoCallsInFlightAndOneCallPerRotation",
            "EightProcesses_OneSecondTokens_OneRefreshPerRotationNoReuseNoSignOutAllEndOnNewest",
            "FourInstances_TwoHundredUsers_OneRefreshPerUserPerRotationNoReuseNoSignOutNo401",
            "FiveTabs_PollFor30Seconds_OneRefreshPerRotationNoReuseNo401",
            "Acquire_FourTabsHammeringWithWebLocks_NeverOverlapsNorLosesAnUpdate",
        ],
        [2] =
        [
            "RefreshAsync_StrictServerSlowerThanAttemptTimeout_SendsOnceKeepsSessionAndThrowsTransient",
            "RefreshAsync_LeewayServerSlowerThanAttemptTimeout_ResendsAfterSettleDelayNeverTwoInFlight",
            "RefreshAsync_SuccessWithOddExpiryOnStrictServer_StoresRotatedTokenAndNeverReplaysTheOldOne",
            "RefreshAsync_TwoCoordinatorsShareAnInMemoryStore_OneRefreshCallAndTheSecondAdopts",
        ],
        [3] = ["RefreshAsync_WaitersNeverSeeSessionBeforeStoreHoldsIt"],
        [4] =
        [
            "RefreshAsync_RejectedButAnotherHolderRotated_AdoptsStoredSessionWithoutSignOut",
            "RefreshAsync_SharedStoreOtherCoordinatorRotated_StaleHolderRejectedAdoptsAndStaysSignedIn",
        ],
        [5] =
        [
            "RefreshAsync_StarterCancelled_RefreshCompletesAndIsStored",
            "SendAsync_StarterCancelledAfterRefreshSent_RefreshStoredAndOtherWaitersSucceed",
        ],
        [6] = ["SendAsync_401AfterRetry_SecondResponseReturnedAsIs", "SendAsync_401_RefreshesAndRetriesOnceWithNewToken"],
        [7] =
        [
            "SendAsync_OtherOrigin_NoTokenAttached",
            "FullFlowAtTrace_NoTokenInLogsExceptionsToStringOrMetrics",
            "SendAsync_CallerSetAuthorization_LeftAloneAndNoRefreshOn401",
        ],
        [8] =
        [
            "SendAsync_LostOrGarbledResponseThenRetry_RecoversWithSameTokenNoSignOut",
            "SendAsync_MalformedJwtAfterRotating_TypedErrorAndRotatedRefreshTokenKept",
            "GetAsync_TruncatedFile_CorruptKeptAsideThenEmpty",
            "GetAsync_UnusableEntry_ThrowsTypedErrorKeepsItAsideAndNextReadFindsNothing",
        ],
        [9] =
        [
            "AddSessionHandler_RedirectToOtherOriginAnswering401_NoTokenThereAndNoRefresh",
            "AddSessionHandler_SameOriginRedirect_EveryRequestSucceedsWithoutRefresh",
            "AddSessionKit_TokenEndpointRedirects_RefreshTokenNeverReachesOtherHostAndSessionKept",
        ],
        [10] =
        [
            "RefreshAsync_SessionEndedByAnotherCoordinator_ThrowsEndedWithTheReasonAndRaisesOnce",
            "SignOutAsync_AnotherAppSharesTheStore_ItFailsWithSignedOutAndRaisesOnce",
            "SessionEnded_RejectedOnOneInstance_EveryInstanceFailsFastAndRaisesOnce",
            "StaleRefreshToken_PutBackByScript_EndsOnceInEveryTabWithoutARefreshLoop",
            "SignOutAsync_InOneTab_EveryOtherTabRaisesSessionEndedOnceWithTheReason",
        ],
        [11] =
        [
            "SendAsync_ProactiveRefreshWhileStoreUnavailable_SendsWithTheStillValidToken",
            "RefreshAsync_WriteLockHeldTooLong_TransientErrorAndTheRotatedSessionIsKeptAndWrittenLater",
            "Handler_RedisKilledAndRestartedDuringLoad_NoSessionLostNoSignOutTypedTransientErrorsMeanwhile",
        ],
    };

    [Test]
    public void Proofs_EveryNamedTestExists()
    {
        var sources = string.Join('\n', Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText));

        var missing = Proofs.SelectMany(p => p.Value.Where(name => !sources.Contains(" " + name + "(", StringComparison.Ordinal)).Select(name => $"{p.Key}: {name}"));

        Assert.That(missing, Is.Empty);
    }

    [Test]
    public void Readme_ListsEveryInvariantWithItsTests()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));
        var section = readme[readme.IndexOf("## Design invariants", StringComparison.Ordinal)..];

        var unlisted = Proofs.SelectMany(p => p.Value.Where(name => !section.Contains("`" + name + "`", StringComparison.Ordinal)).Select(name => $"{p.Key}: {name}"));

        Assert.Multiple(() =>
        {
            Assert.That(Proofs.Keys, Is.EquivalentTo(Enumerable.Range(1, 11)));
            Assert.That(unlisted, Is.Empty);
        });
    }
}
