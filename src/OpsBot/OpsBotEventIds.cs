namespace OpsBot;

/// <summary>
/// Every event id the host logs with, one constant a message, grouped by capability (YARP keeps the same table in
/// <c>Utilities/EventIds.cs</c>). The host owns 10-19 (the proxy's listener) and 1000 and up; ProxyCore's
/// <c>ProxyEventIds</c> keeps 20-999, so one log holds both without a clash. <c>LoggingEventIdTests</c> fails on a duplicate or a message without an id.
/// </summary>
internal static class OpsBotEventIds
{
    // 10-19: the proxy's listener (Hosting/). Kept below ProxyCore's block: operators filter the journal on
    // ProxyListener[10] "Proxy listening on ...", so the id predates this table and stays.
    public const int ProxyListenerListening = 10;
    public const int ProxyListenerRestarting = 11;

    // 1100-1199: components (Components/)
    public const int DisabledComponentsNoticeDisabled = 1150;
    public const int ComponentSupervisorFailed = 1160;
    public const int ComponentSupervisorFailedAgain = 1161;
    public const int ComponentSupervisorRecovered = 1162;
    public const int ComponentSupervisorStopFailed = 1163;

    // 1200-1299: admin endpoint (Admin/)
    public const int AdminEndpointListening = 1200;
    public const int AdminEndpointNotListening = 1201;
    public const int AdminEndpointDisabled = 1202;

    // 2000-2009: Discord REST and bot start-up (Discord/Rest, Discord/)
    public const int DiscordRestClientRateLimited = 2001;
    public const int DiscordRestClientServerError = 2002;
    public const int DiscordRestClientTransportError = 2003;
    public const int DiscordRestClientUnauthorized = 2004;
    public const int DiscordRestClientRequestFailed = 2005;
    public const int DiscordRestClientServerFailed = 2006;
    public const int DiscordBotDisabledNoticeDisabled = 2007;
    public const int DiscordStartupCheckNoAdmins = 2008;
    public const int DiscordStartupCheckNoAlertChannel = 2009;

    // 2010-2029: Discord gateway connection (Discord/Gateway)
    public const int GatewayConnectionConnected = 2010;
    public const int GatewayConnectionIdentifying = 2011;
    public const int GatewayConnectionResuming = 2012;
    public const int GatewayConnectionReady = 2013;
    public const int GatewayConnectionResumed = 2014;
    public const int GatewayConnectionZombie = 2015;
    public const int GatewayConnectionMalformedPayload = 2016;
    public const int GatewayConnectionHandlerFailed = 2017;
    public const int GatewayConnectionClosing = 2018;

    // 2030-2039: Discord gateway client (Discord/Gateway)
    public const int DiscordGatewayClientGatewayFound = 2030;
    public const int DiscordGatewayClientGatewayLookupFailed = 2031;
    public const int DiscordGatewayClientFatalClose = 2032;
    public const int DiscordGatewayClientReconnecting = 2033;
    public const int DiscordGatewayClientIdentifyBudgetExhausted = 2034;
    public const int DiscordGatewayClientConnectionCrashed = 2035;
    public const int DiscordGatewayClientRetryingConnect = 2036;

    // 2040-2049: Discord connectivity (Discord/)
    public const int DiscordConnectivityUnreachable = 2040;
    public const int DiscordConnectivityStillUnreachable = 2041;
    public const int DiscordConnectivityReachableAgain = 2042;

    // 2050-2079: Discord interactions (Discord/Interactions, Discord/Commands)
    public const int InteractionLogExecuting = 2050;
    public const int InteractionLogRefused = 2051;
    public const int InteractionLogUnknownCommand = 2052;
    public const int InteractionLogUnknownComponent = 2053;
    public const int InteractionLogUnsupportedInteraction = 2054;
    public const int InteractionLogInvalidOptions = 2055;
    public const int InteractionLogHandlerFailed = 2056;
    public const int InteractionLogNoResponse = 2057;
    public const int InteractionLogAutoDeferred = 2058;
    public const int InteractionLogReplyFailed = 2059;
    public const int InteractionLogAutocompleteUnhandled = 2060;
    public const int InteractionLogAutocompleteRefused = 2061;
    public const int InteractionLogAutocompleteFailed = 2062;
    public const int InteractionLogAutocompleteChoiceDropped = 2063;
    public const int DiscordInteractionHandlerRegistered = 2070;
    public const int DiscordInteractionHandlerRegistrationFailed = 2071;
    public const int DiscordInteractionHandlerMalformed = 2072;
    public const int DiscordInteractionHandlerDuplicate = 2073;
    public const int DiscordInteractionHandlerOutsideScope = 2074;
    public const int DiscordInteractionHandlerHandlingFailed = 2075;
    public const int DiscordInteractionHandlerApplicationIdMismatch = 2076;
    public const int InteractionResponderTokenGone = 2077;
    public const int ChartModuleChartFailed = 2078;

    // 2080-2199: Discord commands (Discord/Commands)
    public const int ProgressMessageRenderFailed = 2090;
    public const int RestartConfirmationsExpiryEditFailed = 2100;
    public const int RestartModuleRestarting = 2120;
    public const int RestartModuleRestarted = 2121;
    public const int RestartModuleRestartThrew = 2122;
    public const int RestartModuleWrongUser = 2123;

    // 3000-3199: operations (Operations/)
    public const int SmokeRunnerSmokeFailed = 3110;
    public const int OpsOperationsTailFailed = 3111;

    // 3200-3299: SSH (Ops/Ssh)
    public const int SshCommandRunnerCompleted = 3200;
    public const int SshCommandRunnerFailed = 3201;

    // 3300-3399: restarts (Ops/Restarts)
    public const int InMemoryRestartAuditLogEntry = 3300;
    public const int ProxyRestarterProxyRestartFailed = 3301;

    // 3400-3499: smoke tests (Ops/SmokeTests)
    public const int SmokeTestServiceResult = 3400;

    // 3500-3599: Docker (Ops/Docker)
    public const int DockerContainerEngineRestarted = 3500;

    // 3600-3699: monitoring (Ops/Monitoring)
    public const int StackProberProbeFailed = 3600;
    public const int StackMonitorDisabled = 3601;
    public const int StackMonitorStarted = 3602;
    public const int StackMonitorTickFailed = 3603;
    public const int StatusServiceTransition = 3604;

    // 4000-4099: alerts (Alerts/)
    public const int AlertSuppressionsSilenced = 4000;
    public const int AlertSuppressionsUnsilenced = 4001;
    public const int AlertSuppressionsMaintenanceBegun = 4002;
    public const int AlertSuppressionsMaintenanceEnded = 4003;
    public const int AlertPublisherAlert = 4010;
    public const int AlertOutboxLoaded = 4020;
    public const int AlertOutboxOverflow = 4021;
    public const int AlertDispatcherSendFailed = 4030;
    public const int AlertDispatcherRecovered = 4031;
    public const int AlertDispatcherSendFailedAgain = 4032;
    public const int NoReplyTrackerIgnoredDuringMaintenance = 4040;
    public const int HealthAlertTrackerEventThrottled = 4050;
    public const int HealthAlertTrackerRestored = 4051;
    public const int HealthAlertTrackerRestoredClosed = 4052;
    public const int CompletionAlertWorkerFailed = 4060;
    public const int GatewayLogWatcherNoSource = 4070;
    public const int GatewayLogWatcherReadFailed = 4071;
    public const int GatewayLogWatcherReadRecovered = 4072;
    public const int HealthTransitionWatcherNoSource = 4080;
    public const int HealthTransitionWatcherStreamFailed = 4081;
    public const int AlertTickerFailed = 4090;
    public const int LogOnlyAlertSinkNotPosted = 4095;

    // 5000-5099: history (History/)
    public const int HistoryDatabaseCorrupt = 5000;
    public const int HistoryDatabaseLocked = 5001;
    public const int HistoryDatabaseUnavailable = 5002;
    public const int HistoryDatabaseNewerSchema = 5003;
    public const int HistoryDatabaseMigrated = 5004;
    public const int HistoryDatabaseRecovered = 5005;
    public const int HistoryDatabaseOperationLocked = 5006;
    public const int HistoryDatabaseOperationFailed = 5007;
    public const int HistoryDatabaseStillUnavailable = 5008;
    public const int HistoryInitializerOpened = 5010;
    public const int HistoryInitializerClosedAbandoned = 5011;
    public const int TrafficRollupWriterDropped = 5020;
    public const int VllmSampleWriterDropped = 5021;

    // 6000-6099: charts and the daily digest (Charts/)
    public const int ChartServiceRendered = 6000;
    public const int LogOnlyDigestSinkDigest = 6010;
    public const int DailyDigestServiceOff = 6011;
    public const int DailyDigestServiceScheduled = 6012;
    public const int DailyDigestServicePosted = 6013;
    public const int DailyDigestServiceFailed = 6014;
    public const int DailyDigestServiceSkipped = 6015;
}
