"""A test e-mail backend whose server refuses some addresses."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FailingForSomeBackend(EmailBackend):
    """Like locmem, but an address containing "refus" makes the server fail (once per message)."""

    def send_messages(self, messages):
        for message in messages:
            if any("refus" in address for address in message.to):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"Boite inconnue")})
        return super().send_messages(messages)
