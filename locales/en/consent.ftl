## Consent to personal data processing (Russian Federal Law 152-FZ).
## Telegram HTML markup: only <b> and <i>.
## Substituted values ($school, $child, $link) are escaped by the calling code.

# An adult participant consents for themselves.
# Variables: $school — the school's name.
consent-text-self =
    <b>Consent to personal data processing</b>

    To take part in the mentoring programme of { $school }, we need your consent. Taking part is voluntary.

    <b>What is stored</b>
    • your full name;
    • your profile: class or subject, your participant category in the programme, your wishes (interests, convenient meeting times);
    • records of meetings and your questionnaire answers;
    • your Telegram ID, so that the bot can message you.

    <b>Why</b>
    So that the school can run the mentoring programme and prepare its reports. Reports go to the municipality (education department) only as overall figures, without names.

    <b>Who sees it</b>
    • the programme's curator at the school;
    • your mentor or mentee: your name and the part of your profile needed to work together;
    • the municipal coordinator: only overall figures, without names.

    <b>For how long</b>
    Until the programme ends or until you withdraw your consent.

    <b>How to withdraw</b>
    At any time: the /mydata command → “Withdraw consent”, or tell the curator. Your data will then be deleted or anonymised.

    The data controller is { $school }. By pressing “I give consent”, you allow this data to be processed for the mentoring programme under Federal Law No. 152-FZ “On Personal Data”.

# A parent (legal guardian) consents for a minor.
# Variables: $child — the child's name, $school — the school's name.
consent-text-guardian =
    <b>Parent's consent to processing a child's personal data</b>

    { $child } wants to take part in the mentoring programme of { $school }. Participants under 18 need the consent of a parent or legal guardian. Taking part is voluntary.

    <b>What is stored about the child</b>
    • full name;
    • profile: class, participant category in the programme, wishes (interests, convenient meeting times);
    • records of meetings and questionnaire answers;
    • the child's Telegram ID, so that the bot can message them.
    About you, only your Telegram ID is stored: to know who gave consent and to message you about consent matters.

    <b>Why</b>
    So that the school can run the mentoring programme and prepare its reports. Reports go to the municipality (education department) only as overall figures, without names.

    <b>Who sees it</b>
    • the programme's curator at the school;
    • your child's mentor or mentee: the name and the part of the profile needed to work together;
    • the municipal coordinator: only overall figures, without names.

    <b>For how long</b>
    Until the programme ends or until you withdraw your consent.

    <b>How to withdraw</b>
    At any time: the /mydata command → “Withdraw consent”, or tell the curator. The child's data will then be deleted or anonymised.

    The data controller is { $school }. By pressing “I give consent”, you, as a parent or legal guardian, allow the child's data to be processed for the mentoring programme under Federal Law No. 152-FZ “On Personal Data”.

consent-agree-button = ✅ I give consent
consent-decline-button = Decline

consent-given =
    Thank you! Your consent has been saved ✅
    You can withdraw it at any time with the /mydata command or through the curator.

consent-declined =
    All right: without consent your data will not be stored, and you cannot take part in the programme through the bot.
    If you change your mind, open the invitation link again or write to the programme's curator.

# To a minor: a parent must give consent. The bot then sends consent-guardian-link.
consent-minor-needs-guardian =
    You are not 18 yet, so an adult has to say yes: your mum, dad or another adult who is responsible for you.

    I will now send you a message with a link. <b>Forward it to your mum, dad or another adult who is responsible for you</b>: press and hold the message (or right-click it) → “Forward”.
    As soon as the adult confirms, I will let you know.

# The message a child forwards to the parent. Variables: $link — a personal link.
consent-guardian-link =
    Hello! Your child would like to take part in the mentoring programme at their school.

    This needs your consent, as a parent (or another adult responsible for the child), to the processing of personal data. Open the link: the “Nastavnik” bot will show what data is stored, why and who sees it, and you can agree or decline:
    { $link }

    The link is personal, please do not forward it to anyone else. If it does not open, ask your child to send a new one.

consent-guardian-confirmed-child =
    Great news! 🎉 Your parent has confirmed the consent.
    You are now taking part in the mentoring programme. The bot will soon tell you what happens next.

consent-guardian-confirmed =
    Thank you! Your consent has been saved ✅
    Your child can take part in the mentoring programme. The bot will only message you about consent matters.
    You can withdraw consent at any time with the /mydata command or through the school's curator.

consent-withdraw-confirm =
    <b>Withdraw consent to personal data processing?</b>

    What will happen:
    • the personal data will be deleted or anonymised; reports will keep only overall figures, without a name;
    • mentoring pairs and groups that are in progress will end;
    • the programme's curator will be notified.

    Coming back to the programme will only be possible with a new invitation and a new consent.

consent-withdraw-button = Yes, withdraw consent

consent-withdrawn =
    Consent withdrawn. The data has been deleted or anonymised, the pairs have ended and the curator has been notified.
    Thank you for taking part in the programme! If you want to come back, ask the curator for a new invitation.

# To the participant: the curator has marked that a signed paper consent was received.
consent-paper-marked =
    The programme's curator has marked that your signed paper consent was received ✅
    You can now take part in the mentoring programme. You can withdraw consent at any time with the /mydata command or through the curator.
