"""``assistant users``: create users, change roles, disable/enable, unlock, issue API tokens, TOTP."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from assistant.cli.common import console, handles_errors, print_json
from assistant.core.errors import InvalidInput
from assistant.security import service
from assistant.security.cli_support import cli_actor, tx

app = typer.Typer(help="Users, roles, API tokens and second factor.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON")]


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        data = sys.stdin.readline()
        password = data.rstrip("\r\n")
        if not password:
            raise InvalidInput(
                "no password on standard input",
                field="password",
                fix="pipe the password, e.g. `printf '%s\\n' \"$PW\" | assistant users create ...`",
            )
        return password
    first = typer.prompt("Password", hide_input=True)
    if typer.prompt("Repeat password", hide_input=True) != first:
        raise InvalidInput("the two passwords differ", field="password", fix="type the same password twice")
    return str(first)


@app.command()
@handles_errors
def create(
    username: Annotated[str, typer.Argument(help="User name (lowercase)")],
    role: Annotated[str, typer.Option("--role", help="admin, frontdesk, coder, biller or trainee")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Create a user (the password is read from stdin with --password-stdin, else prompted)."""
    password = _read_password(password_stdin)
    with tx() as session:
        user = service.create_user(session, username, role, password, actor=cli_actor())
    print_json(user) if as_json else console.print(f"created [bold]{user.username}[/] ({user.role})")


@app.command("password")
@handles_errors
def password(
    username: Annotated[str, typer.Argument(help="User name")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the new password from stdin")
    ] = False,
) -> None:
    """Set a user's password (audited; ends their sessions, revokes their API tokens).

    Users change their own on /account/password."""
    new_password = _read_password(password_stdin)
    with tx() as session:
        service.change_password(session, username, new_password, actor=cli_actor())
    console.print(f"password of [bold]{username}[/] changed; their sessions were ended, API tokens revoked")


@app.command("list")
@handles_errors
def list_(as_json: JsonOpt = False) -> None:
    """List users with role, state and lockout."""
    from rich.table import Table

    with tx() as session:
        users = service.list_users(session)
    if as_json:
        print_json([u.model_dump(mode="json") for u in users])
        return
    table = Table("user", "role", "state", "2FA", "last login")
    for u in users:
        state = (
            "disabled"
            if u.disabled
            else (f"locked until {u.locked_until:%H:%M}" if u.locked_until else "active")
        )
        table.add_row(
            u.username,
            u.role,
            state,
            "yes" if u.totp_enabled else "no",
            f"{u.last_login_at:%Y-%m-%d %H:%M}" if u.last_login_at else "-",
        )
    console.print(table)


@app.command()
@handles_errors
def role(
    username: Annotated[str, typer.Argument()],
    new_role: Annotated[
        str, typer.Argument(metavar="ROLE", help="admin, frontdesk, coder, biller or trainee")
    ],
    as_json: JsonOpt = False,
) -> None:
    """Change a user's role (audited; ends the user's open sessions)."""
    with tx() as session:
        user = service.set_role(session, username, new_role, actor=cli_actor())
    print_json(user) if as_json else console.print(f"{user.username} is now {user.role}")


@app.command()
@handles_errors
def disable(username: Annotated[str, typer.Argument()]) -> None:
    """Disable a user: revokes API tokens and ends sessions."""
    with tx() as session:
        service.set_disabled(session, username, True, actor=cli_actor())
    console.print(f"{username} disabled (tokens revoked, sessions ended)")


@app.command()
@handles_errors
def enable(username: Annotated[str, typer.Argument()]) -> None:
    """Re-enable a disabled user (tokens stay revoked: issue new ones)."""
    with tx() as session:
        service.set_disabled(session, username, False, actor=cli_actor())
    console.print(f"{username} enabled")


@app.command()
@handles_errors
def unlock(username: Annotated[str, typer.Argument()]) -> None:
    """Clear a lockout after repeated failed sign-ins."""
    with tx() as session:
        service.unlock(session, username, actor=cli_actor())
    console.print(f"{username} unlocked")


@app.command()
@handles_errors
def token(
    username: Annotated[str, typer.Argument()],
    name: Annotated[str, typer.Option("--name", help="Label of the token")] = "default",
    days: Annotated[
        int | None, typer.Option("--days", min=1, help="Days it stays valid (default: api_token_days, 90)")
    ] = None,
) -> None:
    """Print a new API token once (only its hash is kept). Send it as `Authorization: Bearer <token>`."""
    with tx() as session:
        issued = service.issue_token(session, username, name, actor=cli_actor(), days=days)
    typer.echo(issued.token)


@app.command()
@handles_errors
def tokens(username: Annotated[str, typer.Argument()], as_json: JsonOpt = False) -> None:
    """List a user's API tokens: id, name, issued, expires, last used, state (never the token itself)."""
    from rich.table import Table

    with tx() as session:
        views = service.list_tokens(session, username)
    if as_json:
        print_json([v.model_dump(mode="json") for v in views])
        return
    table = Table("id", "name", "issued", "expires", "last used", "state")
    for v in views:
        used = f"{v.last_used_at:%Y-%m-%d %H:%M}" if v.last_used_at else "-"
        table.add_row(
            str(v.id), v.name, f"{v.created_at:%Y-%m-%d}", f"{v.expires_at:%Y-%m-%d}", used, v.state
        )
    console.print(table)


@app.command()
@handles_errors
def revoke(
    username: Annotated[str, typer.Argument()],
    token_id: Annotated[int, typer.Argument(metavar="TOKEN_ID", help="Id from `assistant users tokens`")],
) -> None:
    """Revoke one API token of a user (audited); their other tokens keep working."""
    with tx() as session:
        service.revoke_token(session, username, token_id, actor=cli_actor())
    console.print(f"token {token_id} of {username} revoked")


@app.command()
@handles_errors
def expire(
    username: Annotated[str, typer.Argument()],
    token_id: Annotated[int, typer.Argument(metavar="TOKEN_ID", help="Id from `assistant users tokens`")],
) -> None:
    """End one API token of a user now (audited as token.expire); it stays listed as expired."""
    with tx() as session:
        view = service.expire_token(session, username, token_id, actor=cli_actor())
    console.print(f"token {token_id} of {username} is {view.state}")


@app.command()
@handles_errors
def totp(username: Annotated[str, typer.Argument()]) -> None:
    """Start TOTP enrollment: prints the provisioning URI (add it to an authenticator app)."""
    with tx() as session:
        uri = service.totp_enroll(session, username, actor=cli_actor())
    typer.echo(uri)


@app.command("totp-confirm")
@handles_errors
def totp_confirm(username: Annotated[str, typer.Argument()], code: Annotated[str, typer.Argument()]) -> None:
    """Finish TOTP enrollment with a current code; sign-ins then need a code."""
    with tx() as session:
        service.totp_confirm(session, username, code, actor=cli_actor())
    console.print(f"two-factor sign-in enabled for {username}")


@app.command("totp-reset")
@handles_errors
def totp_reset(username: Annotated[str, typer.Argument()]) -> None:
    """Remove a user's authenticator (a lost phone): they sign in with the password until enrolled again."""
    with tx() as session:
        service.totp_reset(session, username, actor=cli_actor())
    console.print(f"authenticator of {username} removed")
