"""Registration after an invite: language, the age (when the person may be a child),
consent, name, then the role's profile.

Which questions come depends on the role and the programme's form (and, for mentors, on
their category): `bot.services.registration.questions` decides, Back and Next walk it.
A person who may be a school student is spoken to with «ты» (`young`), until they say
they are 18 or older. Every choice from a button is checked by the service like text.

`steps.py` walks the questions, `dialogs.py` builds the windows, `getters.py` fills them,
`handlers.py` answers their buttons, `widgets.py` holds the widgets they share.
"""

from bot.dialogs.registration.dialogs import registration_dialog

__all__ = ["registration_dialog"]
