using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using OpsBot.Components;

namespace OpsBot.History;

/// <summary>
/// The one SQLite connection behind every history store. A broken database must never take the proxy
/// down with it: every operation goes through <see cref="RunAsync{T}"/>, which answers the caller's
/// fallback instead of throwing when the file is corrupt, locked or unwritable, and says once, clearly,
/// what is wrong and what to do.
/// </summary>
public sealed partial class HistoryDatabase : IAsyncDisposable, IDisposable
{
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    private readonly HistoryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<HistoryDatabase> _logger;
    private readonly ComponentStates? _components;
    // One connection, one operation at a time: history traffic is a few writes a minute, and a single
    // writer keeps SQLite's own locking out of the hot path.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _connection;
    private HistoryState _state = HistoryState.NotOpened;
    private string? _problem;
    private DateTimeOffset _retryAt;
    private bool _disposed;

    public HistoryDatabase(IOptions<HistoryOptions> options, TimeProvider time, ILogger<HistoryDatabase> logger, IHostEnvironment? environment = null, ComponentStates? components = null)
        : this(options.Value, HistoryPaths.ResolveDatabasePath(options.Value.DatabasePath, Environment.GetEnvironmentVariable, HistoryPaths.DevelopmentDirectory(environment)), time, logger, components)
    {
    }

    /// <param name="components">Where history reports its state; when it says history is disabled by its configuration, no file is touched.</param>
    public HistoryDatabase(HistoryOptions options, string databasePath, TimeProvider time, ILogger<HistoryDatabase> logger, ComponentStates? components = null)
    {
        _options = options;
        DatabasePath = databasePath;
        _time = time;
        _logger = logger;
        _components = components;
        if (components?.Get(ComponentNames.History) is { State: ComponentState.Disabled } disabled)
        {
            _state = HistoryState.Disabled;
            _problem = $"disabled by its configuration: {disabled.Reason}";
        }
    }

    public string DatabasePath { get; }

    public HistoryHealth Health => new(_state, DatabasePath, _problem);

    /// <summary>When the schema's first migration ran: history does not reach further back.</summary>
    public DateTimeOffset? CreatedAt { get; private set; }

    /// <summary>Opens the file and migrates the schema; false (and logged) when history is not usable.</summary>
    public async Task<bool> InitializeAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return EnsureOpen();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> on the open connection, or answers <paramref name="fallback"/> when history is not usable.</summary>
    public async Task<T> RunAsync<T>(string operation, T fallback, Func<SqliteConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!EnsureOpen())
            {
                return fallback;
            }

            try
            {
                return await work(_connection!, cancellationToken);
            }
            catch (SqliteException ex)
            {
                OnOperationFailed(operation, ex);
                return fallback;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            _disposed = true;
            CloseConnection();
        }
        finally
        {
            _gate.Release();
        }
    }

    // A container disposed synchronously must still release the file.
    public void Dispose()
    {
        _gate.Wait();
        try
        {
            _disposed = true;
            CloseConnection();
        }
        finally
        {
            _gate.Release();
        }
    }

    private bool EnsureOpen()
    {
        if (_disposed)
        {
            // Late writers during shutdown lose their write; they must not crash the host.
            return false;
        }

        switch (_state)
        {
            case HistoryState.Available:
                return true;
            case HistoryState.Disabled:
                return false;
            case HistoryState.Unavailable when _time.GetUtcNow() < _retryAt:
                return false;
        }

        try
        {
            var directory = Path.GetDirectoryName(DatabasePath);
            if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
            {
                // History can name who restarted what: keep it private to the service's user.
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(directory);
                }
                else
                {
                    Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }

            CreatePrivateFile(DatabasePath);

            var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = DatabasePath,
                Mode = SqliteOpenMode.ReadWriteCreate,
                // No pool: disposing must release the file (tests reopen it; a restart must not find it held).
                Pooling = false,
                DefaultTimeout = (int)Math.Ceiling(_options.BusyTimeout.TotalSeconds),
            }.ToString());
            _connection = connection;
            connection.Open();
            // WAL lets `opsbot status` read while the service writes.
            Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
            var created = Migrate(connection);
            if (created is null)
            {
                return false;
            }

            CreatedAt = created;
            var wasUnavailable = _state == HistoryState.Unavailable;
            _state = HistoryState.Available;
            _problem = null;
            _components?.Report(ComponentNames.History, ComponentState.Running);
            if (wasUnavailable)
            {
                LogRecovered(_logger, DatabasePath);
            }

            return true;
        }
        catch (SqliteException ex) when (IsCorrupt(ex))
        {
            Disable($"not a SQLite database or corrupt: {ex.Message}");
            LogCorrupt(_logger, DatabasePath, ex.Message);
            return false;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is SqliteBusy or SqliteLocked)
        {
            if (MarkUnavailable($"locked by another process: {ex.Message}"))
            {
                LogLocked(_logger, DatabasePath, ex.Message, _options.RetryAfter);
            }
            return false;
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            if (MarkUnavailable(ex.Message))
            {
                LogUnavailable(_logger, DatabasePath, ex.Message, _options.RetryAfter);
            }
            return false;
        }
    }

    private DateTimeOffset? Migrate(SqliteConnection connection)
    {
        Execute(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);");
        using (var query = connection.CreateCommand())
        {
            query.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations;";
            var current = Convert.ToInt32(query.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            var latest = HistoryMigrations.All[^1].Version;
            if (current > latest)
            {
                // Written by a newer OpsBot: writing with an older schema in mind could corrupt it.
                Disable($"schema version {current} is newer than this OpsBot knows ({latest})");
                LogNewerSchema(_logger, DatabasePath, current, latest);
                return null;
            }

            foreach (var migration in HistoryMigrations.All.Where(m => m.Version > current))
            {
                using var transaction = connection.BeginTransaction();
                Execute(connection, migration.Sql, transaction);
                using var record = connection.CreateCommand();
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($version, $name, $at);";
                record.Parameters.AddWithValue("$version", migration.Version);
                record.Parameters.AddWithValue("$name", migration.Name);
                record.Parameters.AddWithValue("$at", UnixTime.ToMs(_time.GetUtcNow()));
                record.ExecuteNonQuery();
                transaction.Commit();
                LogMigrated(_logger, DatabasePath, migration.Version, migration.Name);
            }
        }

        using var created = connection.CreateCommand();
        created.CommandText = "SELECT MIN(applied_at) FROM schema_migrations;";
        return UnixTime.FromMs(created.ExecuteScalar()) ?? _time.GetUtcNow();
    }

    private void OnOperationFailed(string operation, SqliteException ex)
    {
        if (IsCorrupt(ex))
        {
            Disable($"corrupt: {ex.Message}");
            LogCorrupt(_logger, DatabasePath, ex.Message);
        }
        else if (ex.SqliteErrorCode is SqliteBusy or SqliteLocked)
        {
            // One lost write is better than stalling the caller; the next operation tries again.
            LogOperationLocked(_logger, operation, DatabasePath, ex.Message);
        }
        else
        {
            MarkUnavailable(ex.Message);
            LogOperationFailed(_logger, operation, DatabasePath, ex.Message, _options.RetryAfter);
        }
    }

    /// <summary>
    /// Creates an empty database file readable by its owner only (SQLite gives its -wal and -shm files the
    /// same mode); left to SQLite, the file would get the umask's 0644.
    /// </summary>
    private static void CreatePrivateFile(string path)
    {
        if (OperatingSystem.IsWindows() || File.Exists(path))
        {
            return;
        }

        try
        {
            using var file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process (the CLI or the service) created it first: same mode, same file.
        }
    }

    private static bool IsCorrupt(SqliteException ex) => ex.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase;

    private void Disable(string problem)
    {
        _state = HistoryState.Disabled;
        _problem = problem;
        _components?.Report(ComponentNames.History, ComponentState.Failed, $"{DatabasePath} is {problem}");
        CloseConnection();
    }

    /// <summary>False when this is the same problem as the last attempt's: a retry that fails alike is not news (logged at Debug).</summary>
    private bool MarkUnavailable(string problem)
    {
        var repeated = _state == HistoryState.Unavailable && _problem == problem;
        if (repeated)
        {
            LogStillUnavailable(_logger, DatabasePath, problem);
        }

        _state = HistoryState.Unavailable;
        _problem = problem;
        _components?.Report(ComponentNames.History, ComponentState.Degraded, $"{DatabasePath}: {problem}; retried every {_options.RetryAfter}");
        _retryAt = _time.GetUtcNow() + _options.RetryAfter;
        CloseConnection();
        return !repeated;
    }

    private void CloseConnection()
    {
        _connection?.Dispose();
        _connection = null;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [LoggerMessage(EventId = OpsBotEventIds.HistoryDatabaseCorrupt, Level = LogLevel.Error,
        Message = "History database {Path} is {Problem}. History is disabled; the proxy and alerts keep running. Move the file away (mv {Path} {Path}.broken) and restart OpsBot to start a new history.")]
    private static partial void LogCorrupt(ILogger logger, string path, string problem);

    [LoggerMessage(EventId = OpsBotEventIds.HistoryDatabaseLocked, Level = LogLevel.Error,
        Message = "History database {Path} is locked by another process ({Problem}); history is paused and retried in {RetryAfter}. The proxy keeps serving.")]
    private static partial void LogLocked(ILogger logger, string path, string problem, TimeSpan retryAfter);

    [LoggerMessage(EventId = OpsBotEventIds.HistoryDatabaseUnavailable, Level = LogLevel.Error,
        Message = "History database {Path} cannot be opened ({Problem}); history is paused and retried in {RetryAfter}. The proxy keeps serving.")]
    private static partial void LogUnavailable(ILogger logger, string path, string problem, TimeSpan retryAfter);

    [LoggerMessage(EventId = OpsBotEventIds.HistoryDatabaseNewerSchema, Level = LogLevel.Error,
        Message = "History database {Path} has schema version {Version}, newer than this OpsBot knows ({Latest}). History is disabled to protect it; run the newer OpsBot or point History:DatabasePath elsewhere.")]
    private static partial void LogNewerSchema(ILogger logger, string path, int version, int latest);

    [LoggerMessage(EventId = OpsBotEventIds.HistoryDatabaseStillUnavailable, Level = LogLevel.Debug, Message = "History database {Path} still cannot be used ({Problem})")]
    private static partial void LogStillUnavailable(ILogger logger, string path, string problem);

    [LoggerMessage(EventId = OpsBotEventIds.HistoryDatabaseMigrated, Level = LogLevel.Information, Message = "History database {Path} migrated to version {Version} ({Name})")]
    private static partial void LogMigrated(ILogger logger, string path, int version, string name);

    [LoggerMessage(EventId = OpsBotEventIds.HistoryDatabaseRecovered, Level = LogLevel.Information, Message = "History database {Path} is available again")]
    private static partial void LogRecovered(ILogger logger, string path);

    [LoggerMessage(EventId = OpsBotEventIds.HistoryDatabaseOperationLocked, Level = LogLevel.Warning, Message = "History: {Operation} skipped, {Path} is locked ({Problem})")]
    private static partial void LogOperationLocked(ILogger logger, string operation, string path, string problem);

    [LoggerMessage(EventId = OpsBotEventIds.HistoryDatabaseOperationFailed, Level = LogLevel.Error,
        Message = "History: {Operation} failed on {Path} ({Problem}); history is paused and retried in {RetryAfter}")]
    private static partial void LogOperationFailed(ILogger logger, string operation, string path, string problem, TimeSpan retryAfter);
}
