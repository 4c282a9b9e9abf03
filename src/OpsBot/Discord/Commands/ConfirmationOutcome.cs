namespace OpsBot.Discord.Commands;

public enum ConfirmationOutcome
{
    Confirmed,
    NotFound,
    Expired,
    WrongUser,
}
