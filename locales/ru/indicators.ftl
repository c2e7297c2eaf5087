# Показатели района (муниципальный мониторинг), численность школ, еженедельная сводка
# координатора, отчёт «Мониторинг» и напоминания о сроке мониторинга. Всё — взрослым, на «вы».

## Сводка координатора и отчёт
indicators-digest-title = 📊 <b>Наставничество: { $municipality }</b>
    Неделя { $week }, { $year }/{ $next } учебный год.
indicators-school-title = 🏫 <b>{ $school }</b>
indicators-total-title = 🧮 <b>Итого по району</b> ({ $count ->
        [one] { $count } школа
        [few] { $count } школы
       *[other] { $count } школ
    })
indicators-line-students = Ученики 10–18 лет: наставляемые { $mentees }, наставники { $mentors }
indicators-line-teachers = Педагоги: молодые наставляемые { $young }, наставники { $mentors }
indicators-line-work = Пар и групп: { $pairs } · встреч проведено: { $meetings }
indicators-line-quality = Удовлетворённость: { $satisfaction } · вход → выход: { $change }
indicators-line-forms = По формам: { $forms }
indicators-share = { $count } ({ $percent } %)
indicators-share-unknown = { $count } (нет численности)
indicators-no-value = нет данных
indicators-satisfaction = { $value } из 100
indicators-no-headcount = ⚠️ нет численности на этот учебный год
indicators-missing-headcounts = ⚠️ Нет численности на этот учебный год: { $schools }. Её вводит куратор школы: меню → Программы → 👥 Численность.
indicators-no-schools = В районе пока нет школ.
indicators-no-category = без категории
indicators-chart-title = Участники по школам
indicators-chart-mentees = Наставляемые
indicators-chart-mentors = Наставники
indicators-chart-empty = Пар пока нет
indicators-digest-caption = 📎 Показатели по школам, формам и категориям наставников.
indicators-digest-filename = pokazateli-{ $week }.xlsx
indicators-report-filename = monitoring-{ $year }.xlsx
indicators-report-caption = 📎 Мониторинг наставничества: { $organisation }, { $year }/{ $next } учебный год.
indicators-report-denied = Этот отчёт вам больше недоступен.

## Колонки и листы XLSX
indicators-sheet-main = Показатели
indicators-sheet-forms = По формам
indicators-sheet-categories = Наставники по категориям
indicators-col-school = Школа
indicators-col-students = Обучающихся 10–18 лет
indicators-col-student-mentees = Ученики-наставляемые
indicators-col-student-mentees-share = Доля наставляемых, %
indicators-col-student-mentors = Ученики-наставники
indicators-col-student-mentors-share = Доля наставников, %
indicators-col-teachers = Педагогов
indicators-col-young-teachers = Молодых педагогов
indicators-col-young-mentees = Молодые педагоги-наставляемые
indicators-col-young-mentees-share = Доля молодых педагогов, %
indicators-col-teacher-mentors = Педагоги-наставники
indicators-col-teacher-mentors-share = Доля педагогов-наставников, %
indicators-col-pairs = Пар и групп
indicators-col-meetings = Встреч проведено
indicators-col-satisfaction = Удовлетворённость (0–100)
indicators-col-change = Вход → выход, баллы
indicators-col-form = Форма наставничества
indicators-col-category = Категория наставников
indicators-col-mentors = Наставников
indicators-total = Итого

## Численность школы
headcount-button = 👥 Численность
headcount-view = 👥 Численность «{ $school }» на { $year }/{ $next } учебный год:
    обучающихся 10–18 лет: { $students }
    педагогов: { $teachers }
    молодых педагогов (до 35 лет, стаж до 3 лет): { $young }
    Без неё доли в отчётах показываются как «нет численности».
headcount-not-set = не указано
headcount-edit-button = ✏️ Ввести численность
headcount-ask-students = Сколько в школе обучающихся 10–18 лет? Пришлите число.
headcount-ask-teachers = Сколько в школе педагогов? Пришлите число.
headcount-ask-young = Сколько из них молодых педагогов (до 35 лет, стаж до 3 лет)? Пришлите число.
headcount-saved = ✅ Численность сохранена: { $students } обучающихся, { $teachers } педагогов, из них { $young } молодых.
error-headcount = Пришлите целое число от 0 до { $limit } — только цифры. Ничего не сохранено.
error-headcount-young = Молодых педагогов не может быть больше, чем всех педагогов ({ $teachers }). Пришлите число ещё раз.
error-headcount-year = Численность вводится на прошлый, текущий или следующий учебный год.

## Экран координатора и срок мониторинга
municipal-button = 📊 Показатели и мониторинг
municipal-choose = Выберите район:
municipal-view = 📊 <b>{ $municipality }</b>
    Школ: { $schools }. Срок мониторинга: <b>{ $deadline }</b> каждый год.
    Сводка по школам приходит раз в неделю.
municipal-headcounts-all = ✅ Численность на этот учебный год введена во всех школах.
municipal-headcounts-missing = ⚠️ Нет численности на этот учебный год ({ $count }): { $missing_list }
monitoring-deadline-button = 📅 Срок мониторинга
monitoring-deadline-current = 📅 Срок мониторинга «{ $municipality }»: <b>{ $deadline }</b> каждый год. Кураторам школ и вам бот напомнит за 7 дней и за 1 день, с отчётом во вложении.
    Пришлите новую дату так: <code>25.11</code>.
monitoring-deadline-default-button = ↩️ По умолчанию (25.11)
monitoring-deadline-saved = ✅ Срок мониторинга: { $deadline } каждый год.
error-deadline = Не получилось разобрать дату. Пришлите день и месяц так: <code>25.11</code>.
monitoring-reminder = ⏰ До срока мониторинга наставничества { $days ->
        [one] остался { $days } день
        [few] осталось { $days } дня
       *[other] осталось { $days } дней
    } — { $deadline }. Отчёт «{ $organisation }» — следующим сообщением: проверьте его и численность школы.
