# Municipal indicators (monitoring), school headcounts, the coordinator's weekly digest, the
# monitoring report and the monitoring deadline reminders. All for adults.

## The coordinator's digest and the report
indicators-digest-title = 📊 <b>Mentoring: { $municipality }</b>
    Week { $week }, school year { $year }/{ $next }.
indicators-school-title = 🏫 <b>{ $school }</b>
indicators-total-title = 🧮 <b>Municipality total</b> ({ $count ->
        [one] { $count } school
       *[other] { $count } schools
    })
indicators-line-students = Students aged 10–18: mentees { $mentees }, mentors { $mentors }
indicators-line-teachers = Teachers: young teachers as mentees { $young }, mentors { $mentors }
indicators-line-work = Pairs and groups: { $pairs } · meetings held: { $meetings }
indicators-line-quality = Satisfaction: { $satisfaction } · entry → exit: { $change }
indicators-line-forms = By form: { $forms }
indicators-share = { $count } ({ $percent }%)
indicators-share-unknown = { $count } (no headcount)
indicators-no-value = no data
indicators-satisfaction = { $value } of 100
indicators-no-headcount = ⚠️ no headcount for this school year
indicators-missing-headcounts = ⚠️ No headcount for this school year: { $schools }. The school's curator enters it: menu → Programmes → 👥 Headcount.
indicators-no-schools = The municipality has no schools yet.
indicators-no-category = no category
indicators-chart-title = Participants by school
indicators-chart-mentees = Mentees
indicators-chart-mentors = Mentors
indicators-chart-empty = No pairs yet
indicators-digest-caption = 📎 Indicators by school, form and mentor category.
indicators-digest-filename = indicators-{ $week }.xlsx
indicators-report-filename = monitoring-{ $year }.xlsx
indicators-report-caption = 📎 Mentoring monitoring: { $organisation }, school year { $year }/{ $next }.
indicators-report-denied = This report is no longer available to you.

## XLSX columns and sheets
indicators-sheet-main = Indicators
indicators-sheet-forms = By form
indicators-sheet-categories = Mentors by category
indicators-col-school = School
indicators-col-students = Students aged 10–18
indicators-col-student-mentees = Students as mentees
indicators-col-student-mentees-share = Mentees share, %
indicators-col-student-mentors = Students as mentors
indicators-col-student-mentors-share = Mentors share, %
indicators-col-teachers = Teachers
indicators-col-young-teachers = Young teachers
indicators-col-young-mentees = Young teachers as mentees
indicators-col-young-mentees-share = Young teachers share, %
indicators-col-teacher-mentors = Teachers as mentors
indicators-col-teacher-mentors-share = Teacher mentors share, %
indicators-col-pairs = Pairs and groups
indicators-col-meetings = Meetings held
indicators-col-satisfaction = Satisfaction (0–100)
indicators-col-change = Entry → exit, points
indicators-col-form = Form of mentoring
indicators-col-category = Mentor category
indicators-col-mentors = Mentors
indicators-total = Total

## School headcounts
headcount-button = 👥 Headcount
headcount-view = 👥 Headcount of “{ $school }” for the school year { $year }/{ $next }:
    students aged 10–18: { $students }
    teachers: { $teachers }
    young teachers (under 35, up to 3 years of experience): { $young }
    Without it, shares in reports show as “no headcount”.
headcount-not-set = not set
headcount-edit-button = ✏️ Enter headcount
headcount-ask-students = How many students aged 10–18 does the school have? Send a number.
headcount-ask-teachers = How many teachers does the school have? Send a number.
headcount-ask-young = How many of them are young teachers (under 35, up to 3 years of experience)? Send a number.
headcount-saved = ✅ Headcount saved: { $students } students, { $teachers } teachers, { $young } of them young.
error-headcount = Send a whole number from 0 to { $limit }, digits only. Nothing was saved.
error-headcount-young = There cannot be more young teachers than teachers ({ $teachers }). Send the number again.
error-headcount-year = A headcount is entered for the last, the current or the next school year.

## The coordinator's screen and the monitoring deadline
municipal-button = 📊 Indicators and monitoring
municipal-choose = Choose the municipality:
municipal-view = 📊 <b>{ $municipality }</b>
    Schools: { $schools }. Monitoring deadline: <b>{ $deadline }</b> every year.
    The digest of the schools comes once a week.
municipal-headcounts-all = ✅ Every school has entered its headcount for this school year.
municipal-headcounts-missing = ⚠️ No headcount for this school year ({ $count }): { $missing_list }
monitoring-deadline-button = 📅 Monitoring deadline
monitoring-deadline-current = 📅 Monitoring deadline of “{ $municipality }”: <b>{ $deadline }</b> every year. The schools' curators and you are reminded 7 days and 1 day before, with the report attached.
    Send a new date like <code>25.11</code>.
monitoring-deadline-default-button = ↩️ Default (25.11)
monitoring-deadline-saved = ✅ Monitoring deadline: { $deadline } every year.
error-deadline = Could not read the date. Send the day and month like <code>25.11</code>.
monitoring-reminder = ⏰ { $days ->
        [one] { $days } day
       *[other] { $days } days
    } left until the mentoring monitoring deadline, { $deadline }. The report of “{ $organisation }” follows: check it and the school's headcount.
